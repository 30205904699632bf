import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, itWithData } from '../../test/data.js';
import { ImportError } from '../domain/index.js';
import { type FileImportResult, importTranscripts, parseTranscript, readTranscriptFile } from './index.js';

const CC = join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl');

async function collect(
  paths: string[],
  opts: { invalid_json?: 'warn' | 'error' } = {},
): Promise<FileImportResult[]> {
  const out: FileImportResult[] = [];
  for await (const r of importTranscripts(paths, opts)) out.push(r);
  return out;
}

function errorOf(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error('expected an ImportError');
}

describe('bad input', () => {
  itWithData(
    'a JSONL with a broken line 3: skipped with a warning naming file:3, or refused with --invalid-json error',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'reverie-bad-'));
      const lines = readFileSync(CC, 'utf8').split('\n');
      lines[2] = lines[2]!.slice(0, 40);
      const file = join(dir, 'broken.jsonl');
      writeFileSync(file, lines.join('\n'));
      // default: every other line imports, the broken one is named in a warning
      const whole = readTranscriptFile(CC).sessions[0]!;
      const read = readTranscriptFile(file);
      expect(read.sessions).toHaveLength(1);
      expect(read.sessions[0]!.external_id).toBe(whole.external_id);
      expect(read.sessions[0]!.events.some((e) => e.source.line === 3)).toBe(false);
      expect(read.sessions[0]!.events.length).toBe(whole.events.filter((e) => e.source.line !== 3).length);
      expect(read.warnings).toEqual([
        expect.objectContaining({ type: 'invalid_json', line: 3, lines: [3], count: 1 }),
      ]);
      expect(read.warnings[0]!.message).toMatch(
        new RegExp(`^${file.replaceAll('/', '\\/')}:3: invalid JSON on line 3; skipped`),
      );
      const err = errorOf(() => readTranscriptFile(file, { invalid_json: 'error' }));
      expect(err.message).toContain(`${file}:3: invalid JSON`);
      expect(err.line).toBe(3);
      expect(err.type).toBe('import_error');
      // refused through importTranscripts too, next to a good file that still imports
      const [bad, good] = await collect([file, CC], { invalid_json: 'error' });
      expect(bad!.file).toBe(file);
      expect('error' in bad! && bad.error.message).toContain(`${file}:3:`);
      expect(good).toMatchObject({
        format: 'claude-code',
        sessions: [{ external_id: 'claude-code:4b2030ed-5563-49ea-b703-6a002f2d3cc8' }],
      });
    },
  );

  it('a broken line 3 of a normalized JSONL fails with file:3 under --invalid-json error', () => {
    const text =
      '{"type":"session","external_id":"a","agent_id":"b"}\n{"type":"user.message","text":"hi"}\n{"type":"agent.message",\n';
    expect(errorOf(() => parseTranscript('n.jsonl', text, { invalid_json: 'error' })).message).toMatch(
      /^n\.jsonl:3: invalid JSON: /,
    );
    expect(parseTranscript('n.jsonl', text).warnings.map((w) => w.message)).toEqual([
      'n.jsonl:3: invalid JSON on line 3; skipped (--invalid-json error refuses the file)',
    ]);
  });

  it('more than 20 broken lines (or a tenth of a longer file) refuse the file; a JSON document (not JSONL) is never read line by line', () => {
    const head = '{"type":"session","external_id":"a","agent_id":"b"}\n';
    const broken = (n: number) => head + '{"type":"user.message","text":\n'.repeat(n);
    const some = parseTranscript('n.jsonl', broken(20));
    expect(some.warnings[0]).toMatchObject({ count: 20, lines: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    expect(some.warnings[0]!.message).toMatch(
      /^n\.jsonl:2: invalid JSON on 20 lines: 2, 3, .*, 11, …; skipped/,
    );
    expect(errorOf(() => parseTranscript('n.jsonl', broken(21))).message).toMatch(
      /^n\.jsonl:22: invalid JSON/,
    );
    // a longer file may lose a tenth of its lines: 30 broken of 300
    const good = '{"type":"user.message","text":"hi"}\n';
    const long = head + (good.repeat(9) + '{"type":"user.message","text":\n').repeat(30);
    expect(parseTranscript('n.jsonl', long).warnings[0]).toMatchObject({ count: 30 });
    expect(
      errorOf(() => parseTranscript('n.jsonl', `${long}{"type":\n`.repeat(1) + '{"x":\n'.repeat(10))).message,
    ).toMatch(/invalid JSON/);
    expect(errorOf(() => parseTranscript('x.json', '[\n{"a": 1,\n"b": \n}]')).message).toMatch(
      /^x\.json:4: invalid JSON/,
    );
  });

  itWithData('a τ-bench element without traj names the element index', () => {
    const data = JSON.parse(
      readFileSync(join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json'), 'utf8'),
    ) as Record<string, unknown>[];
    delete data[37]!.traj;
    const err = errorOf(() => parseTranscript('tau.json', JSON.stringify(data)));
    expect(err.message).toBe('tau.json: element 37: missing traj');
  });

  it('a mini-swe-agent message without role names the message index', () => {
    const text = JSON.stringify({
      trajectory_format: 'mini-swe-agent-1',
      messages: [{ role: 'system', content: 's' }, { content: 'x' }],
    });
    expect(errorOf(() => parseTranscript('t.traj.json', text)).message).toBe(
      't.traj.json: messages[1]: missing role',
    );
  });

  it('an unknown format is a clear error naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-bad-'));
    const file = join(dir, 'notes.json');
    writeFileSync(file, '{"title":"my notes","items":[1,2,3]}');
    const [r] = await collect([file]);
    expect('error' in r! && r.error.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unknown transcript format`),
    );
  });

  it('a corrupt report.json sidecar is reported against the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-bad-'));
    const file = join(dir, 'x.traj.json');
    writeFileSync(
      file,
      JSON.stringify({ trajectory_format: 'mini-swe-agent-1', instance_id: 'x', messages: [] }),
    );
    writeFileSync(join(dir, 'report.json'), '{"resolved": tru');
    expect(errorOf(() => readTranscriptFile(file)).message).toMatch(/report\.json:1: invalid JSON/);
  });

  it('a missing file is an ImportError naming it', () => {
    expect(errorOf(() => readTranscriptFile('/nope/none.json')).message).toBe(
      '/nope/none.json: no such file or directory',
    );
  });
});

describe('deep nesting (issue 7 item 14)', () => {
  const DEPTH = 100_000;
  const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;

  /** The real Claude Code transcript with a 100k-deep array as the input of the first tool call. */
  function deepClaudeCode(dir: string): { file: string; line: number } {
    const lines = readFileSync(CC, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"tool_use"'));
    const o = JSON.parse(lines[i]!);
    const block = o.message.content.find((b: { type: string }) => b.type === 'tool_use');
    block.input = { DEEP: 0 };
    lines[i] = JSON.stringify(o).replace('"DEEP":0', `"DEEP":${deep}`);
    const file = join(dir, 'deep.jsonl');
    writeFileSync(file, lines.join('\n'));
    return { file, line: i + 1 };
  }

  itWithData('a 100k-deep tool input is refused with file and line; the other files import', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-bad-'));
    const { file, line } = deepClaudeCode(dir);
    const tau = join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json');
    const [bad, good] = await collect([file, tau]);
    expect('error' in bad! && bad.error.message).toBe(
      `${file}:${line}: arrays/objects nested deeper than 256 levels in event 2 (agent.tool_use); reverie refuses such input`,
    );
    expect('error' in bad! && bad.error.type).toBe('import_error');
    expect(good && 'sessions' in good && good.sessions).toHaveLength(100);
  });

  itWithData(
    'deep JSON inside a JSON string (τ-bench tool arguments) names the event and its JSON pointer',
    () => {
      const data = JSON.parse(readFileSync(join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json'), 'utf8'));
      const element = data.findIndex((e: { traj: { tool_calls?: unknown[] }[] }) =>
        e.traj.some((m) => m.tool_calls?.length),
      );
      const traj = data[element].traj as { tool_calls?: { function: { arguments: string } }[] }[];
      const index = traj.findIndex((m) => m.tool_calls?.length);
      const msg = traj[index]!;
      msg.tool_calls![0]!.function.arguments = `{"user_id":${deep}}`;
      const err = errorOf(() => parseTranscript('tau.json', JSON.stringify(data)));
      expect(err.message).toMatch(
        new RegExp(
          `^tau\\.json: arrays/objects nested deeper than 256 levels in event \\d+ \\(agent\\.tool_use\\) at /${element}/traj/${index}/tool_calls/0; `,
        ),
      );
    },
  );

  it('nesting up to the limit imports; one level more is refused', () => {
    // line 2 nests `depth` levels: the event object, its input object, then depth - 2 arrays
    const at = (depth: number) =>
      `{"type":"session","external_id":"d","agent_id":"a"}\n{"type":"agent.tool_use","tool":"t","call_id":"c","input":{"x":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}}\n`;
    expect(parseTranscript('ok.jsonl', at(256)).sessions).toHaveLength(1);
    expect(errorOf(() => parseTranscript('no.jsonl', at(257))).message).toMatch(
      /^no\.jsonl:2: arrays\/objects/,
    );
  });
});
