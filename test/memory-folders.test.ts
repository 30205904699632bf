/**
 * Memory folders through the CLI (issue 7 items 1, 2, 5): `dream --out`, `dream --memory DIR --out DIR`,
 * `store export` and `store import` never lose a file reverie did not write, and refuse what they
 * cannot do faithfully with a message naming the file or memory path. Transcripts: the project's own
 * small fixture (no shared data needed).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reverie } from '../src/service/index.js';
import { cliRunner } from './cli-harness.js';

const FIXTURE = resolve(import.meta.dirname, '../src/ingest/fixtures/support-desk.reverie.jsonl');
let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-folders-'));
  db = join(dir, 'r.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const cli = cliRunner(() => db);

const put = (rel: string, content: string) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), content);
};
const read = (rel: string) => readFileSync(join(dir, rel), 'utf8');
/** Adds a person's files to a folder: a note, a git repository's config and a secrets file. */
const addPersonalFiles = (folder: string) => {
  put(`${folder}/my-notes.md`, 'my own notes\n');
  put(`${folder}/.git/config`, '[core]\n\tbare = false\n');
  put(`${folder}/.env`, 'API_TOKEN=keep-me\n');
};
const expectPersonalFiles = (folder: string) => {
  expect(read(`${folder}/my-notes.md`)).toBe('my own notes\n');
  expect(read(`${folder}/.git/config`)).toBe('[core]\n\tbare = false\n');
  expect(read(`${folder}/.env`)).toBe('API_TOKEN=keep-me\n');
};

describe('writing memory folders keeps a person’s files (item 1)', () => {
  it('dream --out into a folder reverie wrote before, then --memory DIR --out DIR, keep my-notes.md, .git/ and .env', async () => {
    put('mem/MEMORY.md', '- [Refunds](refunds.md) — how refunds work\n');
    put('mem/refunds.md', 'Refunds go back to the original payment method.\n');
    const out = join(dir, 'out');
    expect((await cli('dream', FIXTURE, '--memory', join(dir, 'mem'), '--out', out)).code).toBe(0);
    addPersonalFiles('out');
    const again = await cli('dream', FIXTURE, '--memory', join(dir, 'mem'), '--out', out);
    expect(again.code, again.err).toBe(0);
    expectPersonalFiles('out');
    const inPlace = await cli('dream', FIXTURE, '--memory', out, '--out', out);
    expect(inPlace.code, inPlace.err).toBe(0);
    expectPersonalFiles('out');
    expect(read('out/refunds.md')).toMatch(/original payment method/);
  });

  it('a one-shot dream refused by its --out folder names the file, and the output store it kept', async () => {
    put('mem/refunds.md', 'Refunds go back to the original payment method.\n');
    const out = join(dir, 'out');
    expect((await cli('dream', FIXTURE, '--memory', join(dir, 'mem'), '--out', out)).code).toBe(0);
    put('out/refunds.md', 'edited by hand\n');
    put('mem/refunds.md', 'Refunds go back to the card.\n');
    const r = await cli('dream', FIXTURE, '--memory', join(dir, 'mem'), '--out', out, '--json');
    expect(r.code).toBe(1);
    const err = JSON.parse(r.out).error;
    expect(err.message).toContain(`${join(out, 'refunds.md')} (edited since reverie wrote it)`);
    expect(read('out/refunds.md')).toBe('edited by hand\n');
    const storeId = err.output_store_id as string;
    expect(err.message).toContain(`reverie store export ${storeId} DIR`);
    expect((await cli('store', 'export', storeId, join(dir, 'elsewhere'))).code).toBe(0);
    expect(read('elsewhere/refunds.md')).toBe('Refunds go back to the card.\n');
  });

  it('store export into its earlier export keeps mine.md, and refuses to overwrite a file a person edited', async () => {
    put('mem/a.md', 'A\n');
    put('mem/b.md', 'B\n');
    const created = await cli('store', 'create', 'team', '--from', join(dir, 'mem'), '--json');
    const id = JSON.parse(created.out).id as string;
    const out = join(dir, 'export');
    expect((await cli('store', 'export', id, out)).code).toBe(0);
    put('export/mine.md', 'mine\n');
    addPersonalFiles('export');
    put('mem/b.md', 'B2\n');
    expect((await cli('store', 'import', join(dir, 'mem'), '--store', id)).code).toBe(0);
    const second = await cli('store', 'export', id, out);
    expect(second.code, second.err).toBe(0);
    expect(read('export/mine.md')).toBe('mine\n');
    expect(read('export/b.md')).toBe('B2\n');
    expectPersonalFiles('export');

    put('export/a.md', 'A, edited by hand\n');
    put('mem/a.md', 'A2\n');
    expect((await cli('store', 'import', join(dir, 'mem'), '--store', id)).code).toBe(0);
    const refused = await cli('store', 'export', id, out);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${join(out, 'a.md')} (edited since reverie wrote it)`);
    expect(read('export/a.md')).toBe('A, edited by hand\n');
  });
});

describe('Unicode twin names in a memory folder (item 2)', () => {
  const nfc = 'caf\u00e9.md';
  const nfd = 'cafe\u0301.md';
  beforeEach(() => {
    put(`twins/${nfc}`, 'the composed one\n');
    put(`twins/${nfd}`, 'the decomposed one\n');
  });

  it('store import fails the folder naming both files, and stores nothing', async () => {
    const r = await cli('store', 'import', join(dir, 'twins'), '--json');
    expect(r.code).toBe(1);
    expect(r.out).toContain(join(dir, 'twins', nfc));
    expect(r.out).toContain(join(dir, 'twins', nfd));
    expect(JSON.parse((await cli('store', 'list', '--json')).out).data).toEqual([]);
    expect((await cli('store', 'create', 'x', '--from', join(dir, 'twins'))).code).toBe(1);
    expect(JSON.parse((await cli('store', 'list', '--json')).out).data).toEqual([]);
  });

  it('a one-shot dream over the folder fails naming both files, before importing any session', async () => {
    const r = await cli('dream', FIXTURE, '--memory', join(dir, 'twins'), '--out', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(join(dir, 'twins', nfc));
    expect(r.err).toContain(join(dir, 'twins', nfd));
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(JSON.parse((await cli('sessions', 'list', '--json')).out).data).toEqual([]);
  });
});

describe('store paths without a file are refused by store export, naming the path (item 5)', () => {
  it('refuses /.env, /.git/config, /.reverie/output.json, a 300-byte name and a file-and-folder pair', async () => {
    const svc = await Reverie.open({ db });
    let id: string;
    const long = `/notes/${'n'.repeat(300)}.md`;
    try {
      id = (await svc.createStore({ name: 'odd paths' })).id;
      for (const path of [
        '/ok.md',
        '/.env',
        '/.git/config',
        '/.reverie/output.json',
        long,
        '/notes/a.md',
        '/notes/a.md/x.md',
      ])
        await svc.createMemory(id, { path, content: `${path}\n` });
    } finally {
      await svc.close();
    }
    const r = await cli('store', 'export', id, join(dir, 'export'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: 5 memory paths cannot be written as files, so nothing was written/);
    for (const p of [
      '/.env: ',
      '/.git/config: ',
      '/.reverie/output.json: ',
      `${long}: the name`,
      '/notes/a.md: /notes/a.md/x.md needs',
    ])
      expect(r.err).toContain(p);
    expect(existsSync(join(dir, 'export'))).toBe(false);
  });
});
