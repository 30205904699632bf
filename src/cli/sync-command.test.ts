import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../../test/cli-harness.js';
import { Reverie } from '../service/reverie.js';
import { idle, parseDuration } from './sync-command.js';

const CLI = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

describe('reverie sync', () => {
  const root = mkdtempSync(join(tmpdir(), 'reverie-sync-cli-'));
  const db = join(root, 'reverie.db');
  const cli = cliRunner(() => db);
  let store: string;

  beforeAll(async () => {
    const svc = await Reverie.open({ db });
    store = (await svc.createStore({ name: 'cli sync' })).id;
    await svc.createMemory(store, { path: '/notes.md', content: 'first\n' });
    await svc.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('calls a sync idle only when nothing moved, waits or conflicts', () => {
    const quiet = {
      pulled: [],
      pushed: [],
      deleted_local: [],
      deleted_remote: [],
      pending_deletes: [],
      conflicts: [],
      skipped: [],
      bytes_moved: 0,
      downloaded: null,
      notes: [],
      memory_store_id: 'm',
      dir: 'd',
    };
    expect(idle(quiet)).toBe(true);
    expect(idle({ ...quiet, pending_deletes: ['a.md'] })).toBe(false);
    expect(idle({ ...quiet, pulled: ['a.md'] })).toBe(false);
  });

  it('parses durations', () => {
    expect([parseDuration('15s'), parseDuration('500ms'), parseDuration('2m'), parseDuration('3')]).toEqual([
      15_000, 500, 120_000, 3000,
    ]);
    expect(() => parseDuration('soon')).toThrow('expected a duration');
  });

  it('syncs once, prints the report, and refuses a folder of another store with status 1', async () => {
    const dir = join(root, 'once');
    const r = await cli('sync', store, dir, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ memory_store_id: store, pulled: ['notes.md'], bytes_moved: 6 });
    expect(readFileSync(join(dir, 'notes.md'), 'utf8')).toBe('first\n');
    const human = await cli('sync', store, dir);
    expect(human.out).toBe(
      `Synced ${store} ↔ ${dir}: 0 pulled, 0 pushed, 0 deleted locally, 0 deleted on the server, 0 conflicts, 0 bytes moved\n`,
    );
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, '.reverie-memory-store'), 'version 1\nmemstore_other\n');
    const bad = await cli('sync', store, foreign);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('is synced with memory store memstore_other');
    expect((await cli('sync', store, dir, '--interval', 'often')).code).toBe(2);
  });

  it('--layout claude-code writes Claude Code’s files, says when MEMORY.md became the person’s, and rejects other layouts', async () => {
    const svc = await Reverie.open({ db });
    const cc = (await svc.createStore({ name: 'cli sync cc' })).id;
    await svc.createMemory(cc, {
      path: '/feedback/tabs.md',
      content: '---\nkind: feedback\nsummary: use tabs\n---\n# Feedback: tabs\n\n> use tabs\n',
    });
    await svc.createMemory(cc, { path: '/MEMORY.md', content: '- [Tabs](feedback/tabs.md) — use tabs\n' });
    await svc.close();
    const dir = join(root, 'claude-code');
    expect((await cli('sync', cc, dir, '--layout', 'claude-code')).code).toBe(0);
    expect(readFileSync(join(dir, 'feedback_tabs.md'), 'utf8')).toMatch(/^---\nname: "?Feedback: tabs"?\n/);
    expect(readFileSync(join(dir, 'MEMORY.md'), 'utf8')).toBe('- [Tabs](feedback_tabs.md) — use tabs\n');
    writeFileSync(join(dir, 'MEMORY.md'), '- [Tabs](feedback_tabs.md) — use tabs, always\n');
    const r = await cli('sync', cc, dir, '--layout', 'claude-code');
    expect(r.out).toContain('1 pushed');
    expect(r.out).toContain('  note MEMORY.md: edited on disk, so it is yours');
    const back = await Reverie.open({ db });
    expect((await back.getMemoryByPath(cc, '/MEMORY.md')).content).toBe(
      '- [Tabs](feedback/tabs.md) — use tabs, always\n',
    );
    await back.close();
    expect((await cli('sync', cc, dir, '--layout', 'flat')).code).toBe(2);
  });

  it('--watch syncs every interval until interrupted', async () => {
    expect(existsSync(CLI), `${CLI} is missing: build first (./dev runs tsc)`).toBe(true);
    const dir = join(root, 'watched');
    const child = spawn(process.execPath, [
      CLI,
      '--db',
      db,
      'sync',
      store,
      dir,
      '--watch',
      '--interval',
      '1s',
      '--json',
    ]);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => JSON.parse((await lines.next()).value as string);
    expect((await next()).pulled).toEqual(['notes.md']);
    writeFileSync(join(dir, 'notes.md'), 'edited in the folder\n');
    let report = await next();
    while (report.pushed.length === 0) report = await next();
    expect(report.pushed).toEqual(['notes.md']);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    const svc = await Reverie.open({ db });
    expect((await svc.getMemoryByPath(store, '/notes.md')).content).toBe('edited in the folder\n');
    await svc.close();
  });
});
