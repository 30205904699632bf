/**
 * The import guard (Storage.importSessions, session-continuation.ts) on every backend: a session imported
 * under the external id of a stored one replaces it only when it is the same transcript read again or
 * grown; another conversation under the same id, or the file cut short, is stored beside it with a
 * `session_conflict` warning, and the stored session keeps its events. Fixtures: Claude Code and Codex
 * files written here (texts invented for the test), and the real Claude Code and Codex transcripts of
 * ../shared/data, cut after k lines to play a file being written, copied into a temporary folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type FileImportReport, type ImportReport, Reverie } from '../src/service/index.js';
import type { Storage } from '../src/storage/index.js';
import { claudeCodeLine } from './claude-code-lines.js';
import { DATA, describeWithData } from './data.js';
import { DIALECTS } from './dialects.js';

const SID = '5b7e0c2a-0000-4000-8000-00000000c0de';

/** A Claude Code main-session line of session {@link SID}. */
const ccLine = (uuid: string, type: 'user' | 'assistant', text: string) =>
  claudeCodeLine({ sessionId: SID, cwd: '/home/dev/shop' }, uuid, type, text);

/** Two Claude Code conversations that both carry session id {@link SID} (e.g. one folder synced from another machine). */
const CC_A = [
  ccLine('u1', 'user', 'add a search box to the catalogue page'),
  ccLine('a1', 'assistant', 'The search box is on the catalogue page.'),
];
const CC_B = [
  ccLine('u1', 'user', 'rename the checkout button to "Pay now"'),
  ccLine('a1', 'assistant', 'The checkout button now reads "Pay now".'),
];

/** A Codex rollout of session `codex:shared-id`: a user message, one shell call and its output, an answer. */
function codexRollout(ask: string, command: string, output: string, answer: string): string[] {
  const at = '2026-02-03T09:00:00.000Z';
  const item = (payload: unknown) => JSON.stringify({ timestamp: at, type: 'response_item', payload });
  return [
    JSON.stringify({ timestamp: at, type: 'session_meta', payload: { id: 'shared-id', cwd: '/repo' } }),
    item({ type: 'message', role: 'user', content: [{ type: 'input_text', text: ask }] }),
    item({ type: 'function_call', name: 'shell', call_id: 'c1', arguments: JSON.stringify({ command }) }),
    item({ type: 'function_call_output', call_id: 'c1', output }),
    item({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: answer }] }),
  ];
}
const CODEX_A = codexRollout('run the tests', 'npm test', 'all 12 tests passed', 'The tests pass.');
const CODEX_B = codexRollout('lint the code', 'npm run lint', 'no problems', 'The code is clean.');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-import-guard-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `lines` to `dir/<folder>/<name>` and returns the path. */
function write(folder: string, name: string, lines: string[]): string {
  mkdirSync(join(dir, folder), { recursive: true });
  const file = join(dir, folder, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The one imported file's items: [external_id, status, conflicts_with session id or null]. */
function items(r: ImportReport): [string, string, string | null][] {
  const f = r.files[0]!;
  if (f.status !== 'imported') throw new Error(`${f.file} was not imported: ${JSON.stringify(f)}`);
  return f.sessions.map((s) => [s.external_id, s.status, s.conflicts_with?.session_id ?? null]);
}

/** The warnings' types of an imported file. */
const warningTypes = (f: FileImportReport) =>
  f.status === 'imported' ? (f.warnings ?? []).map((w) => w.type) : [];

/** The user messages of a stored session. */
async function said(svc: Reverie, id: string): Promise<string[]> {
  return (await svc.getEvents(id)).flatMap((e) => (e.type === 'user.message' ? [e.text] : []));
}

for (const dialect of DIALECTS) {
  describeWithData(`import guard (${dialect.name})`, () => {
    let storage: Storage;
    let svc: Reverie;
    beforeEach(async () => {
      storage = await dialect.open();
      svc = new Reverie({ storage });
    });
    afterEach(async () => {
      await storage.close();
    });

    /**
     * Imports `first` then `second` (files of the same external id `ext`, other conversations), checks that
     * the first keeps its events and the second is stored beside it with a warning, then that re-importing
     * both changes nothing and warns again.
     */
    async function neitherReplaces(ext: string, first: string, second: string, asks: [string, string]) {
      const r1 = await svc.importSessions([first]);
      expect(items(r1)).toEqual([[ext, 'created', null]]);
      const kept = r1.session_ids[0]!;
      const before = await svc.getSession(kept);
      const r2 = await svc.importSessions([second]);
      const beside = `${ext}@${basename(second)}`;
      expect(items(r2)).toEqual([[beside, 'created', kept]]);
      expect(warningTypes(r2.files[0]!)).toEqual(['session_conflict']);
      const warning = r2.files[0]!.status === 'imported' ? r2.files[0]!.warnings![0]!.message : '';
      expect(warning).toContain(kept);
      const after = await svc.getSession(kept);
      expect([after.event_count, after.content_sha256]).toEqual([before.event_count, before.content_sha256]);
      expect(await said(svc, kept)).toEqual([asks[0]]);
      const other = await svc.getSession(r2.session_ids[0]!);
      expect(other.metadata.conflicts_with).toBe(kept);
      expect(await said(svc, other.id)).toEqual([asks[1]]);
      // Re-importing either file is a no-op: the conflict was said when the copy beside was stored, and its
      // item still names the session it was kept beside
      const again = await svc.importSessions([first, second]);
      expect(again.totals).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
      expect(again.files.map(warningTypes)).toEqual([[], []]);
      const copy = again.files[1]!.status === 'imported' ? again.files[1]!.sessions[0]! : null;
      expect(copy?.conflicts_with?.session_id).toBe(kept);
      expect((await svc.listSessions({})).data).toHaveLength(2);
    }

    it('two Claude Code files of one session id, other conversations: neither replaces the other (A then B)', async () => {
      const a = write('laptop', `${SID}.jsonl`, CC_A);
      const b = write('desktop', `${SID}.jsonl`, CC_B);
      await neitherReplaces(`claude-code:${SID}`, a, b, [
        'add a search box to the catalogue page',
        'rename the checkout button to "Pay now"',
      ]);
    });

    it('two Claude Code files of one session id, other conversations: neither replaces the other (B then A)', async () => {
      const a = write('laptop', `${SID}.jsonl`, CC_A);
      const b = write('desktop', `${SID}.jsonl`, CC_B);
      await neitherReplaces(`claude-code:${SID}`, b, a, [
        'rename the checkout button to "Pay now"',
        'add a search box to the catalogue page',
      ]);
    });

    it('two Codex rollouts of one session id: neither replaces the other, in both orders', async () => {
      const a = write('x', 'rollout-2026-02-03T09-00-00-a.jsonl', CODEX_A);
      const b = write('y', 'rollout-2026-02-03T09-00-00-b.jsonl', CODEX_B);
      await neitherReplaces('codex:shared-id', a, b, ['run the tests', 'lint the code']);
      await storage.close();
      storage = await dialect.open();
      svc = new Reverie({ storage });
      await neitherReplaces('codex:shared-id', b, a, ['lint the code', 'run the tests']);
    });

    it('a copy cut short, under another path, is kept beside the stored session, which keeps all its events', async () => {
      const text = readFileSync(join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl'), 'utf8');
      const lines = text.split('\n').filter((l) => l !== '');
      const file = write('p', '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl', lines);
      const r1 = await svc.importSessions([file]);
      const kept = r1.session_ids[0]!;
      const before = await svc.getSession(kept);
      const copy = write('q', basename(file), lines.slice(0, Math.floor(lines.length / 2)));
      const r2 = await svc.importSessions([copy]);
      expect(items(r2)).toEqual([[`${before.external_id}@${basename(file)}`, 'created', kept]]);
      expect(warningTypes(r2.files[0]!)).toEqual(['session_conflict']);
      const after = await svc.getSession(kept);
      expect([after.event_count, after.content_sha256]).toEqual([before.event_count, before.content_sha256]);
      expect((await svc.getSession(r2.session_ids[0]!)).event_count).toBeLessThan(before.event_count);
      // The first file again: the stored session is that file, nothing changes.
      expect(items(await svc.importSessions([file]))).toEqual([[before.external_id, 'unchanged', null]]);
    });

    it('the same file read again with other content (cut, redacted, or parsed by a newer importer) updates its session in place', async () => {
      const text = readFileSync(join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl'), 'utf8');
      const lines = text.split('\n').filter((l) => l !== '');
      const file = write('p', '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl', lines);
      const kept = (await svc.importSessions([file])).session_ids[0]!;
      const before = await svc.getSession(kept);
      write('p', basename(file), lines.slice(0, Math.floor(lines.length / 2)));
      const r2 = await svc.importSessions([file]);
      expect(items(r2)).toEqual([[before.external_id, 'updated', null]]);
      expect(warningTypes(r2.files[0]!)).toEqual([]);
      expect((await svc.getSession(kept)).event_count).toBeLessThan(before.event_count);
      expect((await svc.listSessions({})).data).toHaveLength(1);
    });

    it('a real file that grows is still updated in place, whatever its last events were when first read', async () => {
      const files = [
        'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68.jsonl',
        'formats/codex-rollout/sessions/2026/05/11/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl',
      ];
      for (const rel of files) {
        const lines = readFileSync(join(DATA, rel), 'utf8')
          .split('\n')
          .filter((l) => l !== '');
        const file = write(`grow-${files.indexOf(rel)}`, basename(rel), []);
        // Cuts where the file's last events were still provisional (measured: a retry count, a pending
        // Codex command result), and a few others.
        const cuts = rel.startsWith('claude-code') ? [20, 23, 26, 29, 62] : [200, 267, 341, 356, 371];
        let id: string | null = null;
        for (const k of [...cuts, lines.length]) {
          write(`grow-${files.indexOf(rel)}`, basename(rel), lines.slice(0, k));
          const r = await svc.importSessions([file]);
          const [[ext, status, conflict]] = items(r) as [[string, string, string | null]];
          expect([rel, k, ext.includes('@'), conflict, warningTypes(r.files[0]!)]).toEqual([
            rel,
            k,
            false,
            null,
            [],
          ]);
          expect(status).toBe(id === null ? 'created' : 'updated');
          id ??= r.session_ids[0]!;
          expect(r.session_ids[0]).toBe(id);
        }
        const whole = await svc.importSessions([file]);
        expect(items(whole)[0]![1]).toBe('unchanged');
      }
      expect((await svc.listSessions({})).data).toHaveLength(2);
    });
  });
}
