import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../domain/index.js';
import { OUTPUT_MARKER, readMemoryFolder, writeMemoryFolder } from './directory.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-dir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `root` (relative path → sha256 of its bytes), hidden ones included. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = sha256Hex(readFileSync(p));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

const put = (root: string, rel: string, content: string) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), content);
};
const read = (root: string, rel: string) => readFileSync(join(root, rel), 'utf8');

describe('writeMemoryFolder keeps what it did not write (issue 7 item 1)', () => {
  it('a second write into its own folder keeps foreign files, .git/ and .env, and removes only its own stale file', async () => {
    const out = join(dir, 'out');
    await writeMemoryFolder(out, [
      { path: '/MEMORY.md', content: '- [a](a.md)\n' },
      { path: '/a.md', content: 'A\n' },
      { path: '/old/gone.md', content: 'stale\n' },
    ]);
    put(out, 'my-notes.md', 'mine\n');
    put(out, '.git/config', '[core]\n');
    put(out, '.env', 'TOKEN=x\n');
    put(out, 'old/keep.md', 'a person put this beside reverie’s file\n');
    const report = await writeMemoryFolder(
      out,
      [
        { path: '/MEMORY.md', content: '- [a](a.md)\n- [b](b.md)\n' },
        { path: '/a.md', content: 'A\n' },
        { path: '/b.md', content: 'B\n' },
      ],
      { '.reverie/CHANGES.md': '# changes\n' },
    );
    expect(report).toEqual({
      written: ['MEMORY.md', 'b.md', '.reverie/CHANGES.md'],
      removed: ['old/gone.md'],
      unchanged: 1,
    });
    expect(read(out, 'my-notes.md')).toBe('mine\n');
    expect(read(out, '.git/config')).toBe('[core]\n');
    expect(read(out, '.env')).toBe('TOKEN=x\n');
    expect(read(out, 'old/keep.md')).toMatch(/a person/);
    expect(existsSync(join(out, 'old/gone.md'))).toBe(false);
    expect(read(out, 'MEMORY.md')).toBe('- [a](a.md)\n- [b](b.md)\n');
    const manifest = JSON.parse(read(out, OUTPUT_MARKER));
    expect(Object.keys(manifest.files)).toEqual(['.reverie/CHANGES.md', 'MEMORY.md', 'a.md', 'b.md']);
    expect(manifest.files['b.md']).toBe(sha256Hex('B\n'));
    expect(manifest.pending).toBeUndefined();
    // No temporary file is left behind.
    expect(Object.keys(tree(out)).filter((f) => f.includes('reverie-tmp'))).toEqual([]);
  });

  it('removes folders its removals leave empty, never a folder holding a person’s file', async () => {
    const out = join(dir, 'out');
    await writeMemoryFolder(out, [
      { path: '/x/y/z.md', content: 'z\n' },
      { path: '/k/l.md', content: 'l\n' },
    ]);
    put(out, 'k/mine.md', 'mine\n');
    await writeMemoryFolder(out, [{ path: '/MEMORY.md', content: 'index\n' }]);
    expect(existsSync(join(out, 'x'))).toBe(false);
    expect(read(out, 'k/mine.md')).toBe('mine\n');
    expect(existsSync(join(out, 'k/l.md'))).toBe(false);
  });

  it('refuses, writing nothing, when a file a person edited (or added) would be overwritten with other content', async () => {
    const out = join(dir, 'out');
    await writeMemoryFolder(out, [
      { path: '/a.md', content: 'A\n' },
      { path: '/b.md', content: 'B\n' },
    ]);
    put(out, 'a.md', 'A, edited by a person\n');
    put(out, 'c.md', 'a person’s c\n');
    const before = tree(out);
    const err = await writeMemoryFolder(out, [
      { path: '/a.md', content: 'A2\n' },
      { path: '/c.md', content: 'reverie’s c\n' },
    ]).catch((e: Error) => e);
    expect(err).toMatchObject({ type: 'invalid_request_error', details: { field: 'out' } });
    expect((err as Error).message).toContain(`${join(out, 'a.md')} (edited since reverie wrote it)`);
    expect((err as Error).message).toContain(`${join(out, 'c.md')} (not written by reverie)`);
    expect((err as Error).message).toContain('nothing was written');
    expect(tree(out)).toEqual(before);
    // b.md is reverie's and unchanged on disk; an edited file reverie would drop is kept, not removed.
    await writeMemoryFolder(out, [{ path: '/c.md', content: 'a person’s c\n' }]);
    expect(read(out, 'a.md')).toBe('A, edited by a person\n');
    expect(existsSync(join(out, 'b.md'))).toBe(false);
    expect(read(out, 'c.md')).toBe('a person’s c\n');
    expect(Object.keys(JSON.parse(read(out, OUTPUT_MARKER)).files)).toEqual([]);
  });

  it('still refuses a non-empty folder without a marker, and with force keeps every file in it', async () => {
    const out = join(dir, 'mine');
    put(out, 'mine.md', 'mine\n');
    put(out, '.git/HEAD', 'ref: refs/heads/main\n');
    await expect(writeMemoryFolder(out, [{ path: '/a.md', content: 'A\n' }])).rejects.toThrow(
      /was not written by reverie/,
    );
    await writeMemoryFolder(out, [{ path: '/a.md', content: 'A\n' }], {}, { force: true });
    await writeMemoryFolder(out, [{ path: '/b.md', content: 'B\n' }], {}, { force: true });
    expect(Object.keys(tree(out)).sort()).toEqual(['.git/HEAD', OUTPUT_MARKER, 'b.md', 'mine.md']);
    await expect(
      writeMemoryFolder(out, [{ path: '/mine.md', content: 'other\n' }], {}, { force: true }),
    ).rejects.toThrow(/mine\.md \(not written by reverie\)/);
    expect(read(out, 'mine.md')).toBe('mine\n');
  });

  it('a marker written before manifests existed counts every file as a person’s', async () => {
    const out = join(dir, 'legacy');
    put(out, OUTPUT_MARKER, '{"written_by":"reverie"}\n');
    put(out, '.reverie/changes.json', '[]\n');
    put(out, 'MEMORY.md', 'old index\n');
    put(out, 'mine.md', 'mine\n');
    await expect(writeMemoryFolder(out, [{ path: '/MEMORY.md', content: 'new\n' }])).rejects.toThrow(
      /MEMORY\.md \(not written by reverie\)/,
    );
    await writeMemoryFolder(out, [{ path: '/a.md', content: 'A\n' }], { '.reverie/changes.json': '[1]\n' });
    expect(read(out, 'MEMORY.md')).toBe('old index\n');
    expect(read(out, 'mine.md')).toBe('mine\n');
    expect(read(out, '.reverie/changes.json')).toBe('[1]\n');
  });

  it('never follows a marker outside its folder', async () => {
    const out = join(dir, 'out');
    put(dir, 'outside.md', 'X\n');
    put(
      out,
      OUTPUT_MARKER,
      JSON.stringify({ written_by: 'reverie', files: { '../outside.md': sha256Hex('X\n') } }),
    );
    await expect(writeMemoryFolder(out, [{ path: '/a.md', content: 'A\n' }])).rejects.toThrow(
      /output\.json: not a path inside the folder: "\.\.\/outside\.md"/,
    );
    expect(read(dir, 'outside.md')).toBe('X\n');
  });

  it('a write interrupted after the pending manifest is recognised as reverie’s on the next write', async () => {
    const out = join(dir, 'out');
    await writeMemoryFolder(out, [{ path: '/a.md', content: 'A1\n' }]);
    // As left by a crash: the new a.md in place, its hash only in `pending`.
    put(out, 'a.md', 'A2\n');
    put(
      out,
      OUTPUT_MARKER,
      JSON.stringify({
        written_by: 'reverie',
        files: { 'a.md': sha256Hex('A1\n') },
        pending: { 'a.md': sha256Hex('A2\n') },
      }),
    );
    await writeMemoryFolder(out, [{ path: '/a.md', content: 'A3\n' }]);
    expect(read(out, 'a.md')).toBe('A3\n');
  });
});

describe('store paths without a faithful file are refused, naming the path (issue 7 item 5)', () => {
  const cases: [string, { path: string; content: string }[], RegExp][] = [
    [
      'a path that is also another path’s folder',
      [
        { path: '/notes/a.md', content: 'a\n' },
        { path: '/notes/a.md/x.md', content: 'x\n' },
      ],
      /\/notes\/a\.md: \/notes\/a\.md\/x\.md needs \/notes\/a\.md to be a folder/,
    ],
    [
      'a segment over 255 bytes',
      [{ path: `/notes/${'é'.repeat(150)}.md`, content: 'long\n' }],
      /the name "é+…" is 303 bytes; file names are limited to 255 bytes/,
    ],
    [
      'reverie’s own marker',
      [{ path: '/.reverie/output.json', content: '{}' }],
      /\/\.reverie\/output\.json: its name "\.reverie" is hidden/,
    ],
    [
      'a .git file',
      [{ path: '/.git/config', content: '[core]\n' }],
      /\/\.git\/config: its name "\.git" is hidden/,
    ],
    ['a .env file', [{ path: '/.env', content: 'A=1\n' }], /\/\.env: its name "\.env" is hidden/],
  ];
  for (const [name, files, message] of cases)
    it(name, async () => {
      const out = join(dir, 'out');
      await writeMemoryFolder(out, [{ path: '/keep.md', content: 'keep\n' }]);
      put(out, '.env', 'SECRET=1\n');
      put(out, '.git/config', '[user]\n');
      const before = tree(out);
      const err = await writeMemoryFolder(out, [{ path: '/ok.md', content: 'ok\n' }, ...files]).catch(
        (e: Error) => e,
      );
      expect(err).toMatchObject({ type: 'invalid_request_error', details: { field: 'path' } });
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/cannot be written as files, so nothing was written/);
      expect((err as Error).message).not.toMatch(/E[A-Z]{3,}:|errno/);
      expect(tree(out)).toEqual(before);
    });
});

describe('file-system failures are named in words', () => {
  it('an output folder below a file fails naming the file it could not write, without raw errno text', async () => {
    put(dir, 'plain-file', 'x\n');
    const out = join(dir, 'plain-file/out');
    const err = await writeMemoryFolder(out, [{ path: '/a.md', content: 'A\n' }]).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `cannot write ${join(out, OUTPUT_MARKER)}: a part of the path is not a folder (ENOTDIR)`,
    );
    expect(err).toMatchObject({ type: 'invalid_request_error', details: { field: 'out' } });
  });
});

describe('readMemoryFolder and Unicode twins (issue 7 item 2)', () => {
  it('fails the folder naming both files when NFC and NFD names are one memory path', async () => {
    const mem = join(dir, 'mem');
    const nfc = 'caf\u00e9.md';
    const nfd = 'cafe\u0301.md';
    put(mem, nfc, 'composed\n');
    put(mem, nfd, 'decomposed\n');
    put(mem, 'other.md', 'other\n');
    const err = await readMemoryFolder(mem).catch((e: Error) => e);
    expect(err).toMatchObject({ type: 'invalid_request_error', details: { field: 'memory' } });
    const msg = (err as Error).message;
    expect(msg).toContain(join(mem, nfc));
    expect(msg).toContain(join(mem, nfd));
    expect(msg).toContain('same memory path /caf\u00e9.md');
  });

  it('reads a lone NFD name as its NFC memory path', async () => {
    const mem = join(dir, 'mem');
    put(mem, 'cafe\u0301.md', 'decomposed\n');
    expect((await readMemoryFolder(mem)).map((f) => f.path)).toEqual(['/caf\u00e9.md']);
  });
});

describe('writeMemoryFolder and Unicode twins', () => {
  it('never writes an NFC name beside a person’s NFD file of other content, and leaves an identical one alone', async () => {
    const out = join(dir, 'out');
    await writeMemoryFolder(out, [{ path: '/a.md', content: 'A\n' }]);
    put(out, 'cafe\u0301.md', 'the person’s decomposed café\n');
    const before = tree(out);
    await expect(writeMemoryFolder(out, [{ path: '/caf\u00e9.md', content: 'other\n' }])).rejects.toThrow(
      /cafe\u0301\.md \(its name differs from caf\u00e9\.md only in Unicode normalization/,
    );
    expect(tree(out)).toEqual(before);
    const r = await writeMemoryFolder(out, [
      { path: '/caf\u00e9.md', content: 'the person’s decomposed café\n' },
    ]);
    expect(r).toMatchObject({ written: [], unchanged: 1 });
    expect((await readMemoryFolder(out)).map((f) => f.path)).toEqual(['/caf\u00e9.md']);
  });
});
