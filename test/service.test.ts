import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/domain/index.js';
import { oneShotDream, Reverie } from '../src/service/index.js';
import { CLAUDE_CODE, describeWithData, itWithData, TAU } from './data.js';

let dir: string;
let svc: Reverie;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-svc-'));
  svc = await Reverie.open({ db: join(dir, 'r.db') });
});
afterEach(async () => {
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under `root` (relative path → bytes hash), hidden files included. */
function treeHash(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = sha256Hex(readFileSync(p));
    }
  };
  walk(root);
  return out;
}

describe('memory store rules (hosted API)', () => {
  it('validates names, paths and sizes with errors naming the field', async () => {
    await expect(svc.createStore({ name: '' })).rejects.toMatchObject({
      type: 'invalid_request_error',
      details: { field: 'name' },
    });
    const s = await svc.createStore({ name: 'team notes' });
    await expect(svc.createMemory(s.id, { path: 'no-slash', content: '' })).rejects.toMatchObject({
      details: { field: 'path' },
    });
    await expect(svc.createMemory(s.id, { path: '/a/../b', content: '' })).rejects.toThrow(/segment/);
    await expect(
      svc.createMemory(s.id, { path: '/big', content: 'x'.repeat(102_401) }),
    ).rejects.toMatchObject({
      details: { field: 'content' },
    });
    await svc.createMemory(s.id, { path: '/a/b.md', content: 'b' });
    await svc.createMemory(s.id, { path: '/a/c/d.md', content: 'd' });
    await svc.createMemory(s.id, { path: '/e.md', content: 'e' });
    const top = await svc.listMemories(s.id, { depth: 1 });
    expect(top.data.map((m) => `${m.type}:${m.path}`)).toEqual(['memory_prefix:/a/', 'memory:/e.md']);
    await expect(svc.listMemories(s.id, { path_prefix: '/a' })).rejects.toMatchObject({
      details: { field: 'path_prefix' },
    });
    await svc.archiveStore(s.id);
    await expect(svc.createMemory(s.id, { path: '/f.md', content: '' })).rejects.toMatchObject({
      type: 'conflict_error',
    });
  });

  it('patches metadata with null deleting a key', async () => {
    const s = await svc.createStore({ name: 'x', metadata: { a: '1', b: '2' } });
    const u = await svc.updateStore(s.id, { metadata: { a: null, c: '3' } });
    expect(u.metadata).toEqual({ b: '2', c: '3' });
  });
});

describe('sessions', () => {
  itWithData('imports Claude Code sessions with subagents linked to their parent, idempotently', async () => {
    const r1 = await svc.importSessions([CLAUDE_CODE]);
    expect(r1.totals).toMatchObject({ failed_files: 0, created: 8 });
    const r2 = await svc.importSessions([CLAUDE_CODE]);
    expect(r2.totals).toMatchObject({ created: 0, unchanged: 8 });
    const all = (await svc.listSessions({ limit: 100 })).data;
    const subs = all.filter((s) => s.parent_session_id !== null);
    expect(subs).toHaveLength(6);
    const parents = new Set(subs.map((s) => s.parent_session_id));
    expect(parents.size).toBe(2);
    for (const p of parents) expect(all.some((s) => s.id === p && s.parent_session_id === null)).toBe(true);
  });

  itWithData('reports a bad file by name and line and still imports the good ones', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      '{"type":"session","external_id":"x","agent_id":"a"}\n{"type":"user.message","text":"hi"}\n{not json\n',
    );
    const r = await svc.importSessions([bad, TAU], { invalid_json: 'error' });
    expect(r.totals.failed_files).toBe(1);
    const failed = r.files.find((f) => f.status === 'failed');
    expect(failed && 'error' in failed && failed.error.message).toMatch(/bad\.jsonl:3/);
    expect(r.totals.created).toBe(100);
    expect((await svc.listSessions({ limit: 1000 })).data.some((s) => s.external_id === 'x')).toBe(false);
    // by default the line that is not JSON is skipped, named in the file's warning, and the rest imports
    const lenient = await svc.importSessions([bad]);
    expect(lenient.totals).toMatchObject({ failed_files: 0, created: 1 });
    expect(JSON.stringify(lenient.files[0])).toContain('bad.jsonl:3: invalid JSON on line 3; skipped');
  });
});

describeWithData('one-shot dream on τ-bench', () => {
  it('is byte-identical across runs and leaves the input folder and store untouched', async () => {
    const mem = join(dir, 'memory');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(mem, 'notes'), { recursive: true });
    writeFileSync(join(mem, 'MEMORY.md'), '- [Refunds](notes/refunds.md) — how refunds work\n');
    writeFileSync(join(mem, 'notes/refunds.md'), 'Refunds go back to the original payment method.\n');
    const before = treeHash(mem);
    const out1 = join(dir, 'out1');
    const out2 = join(dir, 'out2');
    const r1 = await oneShotDream(svc, { transcripts: [TAU], memoryDir: mem, outDir: out1 });
    const inputBefore = (await svc.snapshot(r1.input_store.id)).map((m) => m.content_sha256);
    const svc2 = await Reverie.open({ db: join(dir, 'other.db') });
    try {
      await oneShotDream(svc2, { transcripts: [TAU], memoryDir: mem, outDir: out2 });
    } finally {
      await svc2.close();
    }
    const h1 = treeHash(out1);
    expect(h1).toEqual(treeHash(out2));
    expect(Object.keys(h1)).toContain('MEMORY.md');
    expect(Object.keys(h1)).toContain('.reverie/changes.json');
    expect(treeHash(mem)).toEqual(before);
    expect((await svc.snapshot(r1.input_store.id)).map((m) => m.content_sha256)).toEqual(inputBefore);
    expect(r1.dream.status).toBe('completed');
    // The user's own file survives.
    expect(readFileSync(join(out1, 'notes/refunds.md'), 'utf8')).toContain('original payment method');
  });

  it('records provenance: why a dreamed memory exists, down to sessions and events', async () => {
    const r = await oneShotDream(svc, { transcripts: [TAU] });
    const changes = await svc.listChanges(r.dream.id);
    const mistake = changes.find((c) => c.kind === 'mistake' && c.op === 'create');
    expect(mistake).toBeDefined();
    const p = await svc.why(r.output_store_id!, mistake!.path);
    expect(p.history[0]!.change?.id).toBe(mistake!.id);
    expect(p.history[0]!.evidence.length).toBeGreaterThan(0);
    const ev = p.history[0]!.evidence[0]!;
    const events = await svc.getEvents(ev.session_id);
    const quoted = events
      .slice(ev.seq_from, ev.seq_to + 1)
      .map((e) => ('text' in e ? e.text : 'content' in e ? e.content : JSON.stringify(e.input)));
    expect(quoted.join('\n')).toContain(ev.quote.replace(/…$/, '').slice(0, 40));
  });

  it('re-dreams from the gather cache: only new sessions are gathered', async () => {
    const imp = await svc.importSessions([TAU]);
    const s = await svc.createStore({ name: 'tau' });
    const first = imp.session_ids.slice(0, 95);
    const d1 = await svc.dream({ memory_store_id: s.id, session_ids: first });
    expect(d1.stats.cache_misses).toBe(95);
    const d2 = await svc.dream({ memory_store_id: s.id, session_ids: imp.session_ids });
    expect(d2.stats.cache_misses).toBe(5);
    expect(d2.stats.cache_hits).toBe(95);
  });
});
