/**
 * `reverie dream --demo` (issue 7 item 21): the first command of the README works on a bare clone — it
 * generates its corpus with the project's seeded generator, dreams it, writes --out, and keeps its
 * sessions in a database of its own.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../src/cli/output.js';
import { runCli } from '../src/cli/program.js';
import { sha256Hex } from '../src/domain/index.js';

let dir: string;
const corpora: string[] = [];
const savedHome = process.env.REVERIE_HOME;
const savedDb = process.env.REVERIE_DB;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-demo-test-'));
  process.env.REVERIE_HOME = join(dir, 'home');
  delete process.env.REVERIE_DB;
});
afterAll(() => {
  process.env.REVERIE_HOME = savedHome;
  if (savedDb !== undefined) process.env.REVERIE_DB = savedDb;
  for (const c of [dir, ...corpora]) rmSync(c, { recursive: true, force: true });
});

async function reverie(...args: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  const code = await runCli(args, io);
  const corpus = /demo corpus in (\S+):/.exec(out)?.[1];
  if (corpus) corpora.push(corpus);
  return { code, out, err, corpus };
}

function tree(root: string): Record<string, string> {
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

describe('reverie dream --demo', () => {
  it('generates a corpus, dreams it into --out with its own database, byte-identical across runs', async () => {
    const a = await reverie('dream', '--demo', '--out', join(dir, 'a'));
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(
      /^Generated a demo corpus in \S+: 60 sessions \(30 customer-support chats, 30 Claude Code/,
    );
    expect(a.out).toMatch(/Imported 60 sessions from 60 of 60 files \(60 new/);
    const changes = Number(
      /completed in \S+ \S+: (\d+) changes \(.*mistake.*\) over 60 sessions/.exec(a.out)?.[1],
    );
    expect(changes).toBeGreaterThan(10);
    expect(a.out).toContain(`--db ${join(a.corpus!, 'reverie.db')}`);
    expect(existsSync(join(a.corpus!, 'reverie.db'))).toBe(true);
    expect(existsSync(join(dir, 'home'))).toBe(false); // the default database is never touched
    expect(readFileSync(join(dir, 'a/MEMORY.md'), 'utf8')).toMatch(/^- \[.*\]\(mistakes\//m);
    expect(readdirSync(join(dir, 'a/mistakes')).length).toBeGreaterThan(3);

    const b = await reverie('dream', '--demo', '--out', join(dir, 'b'));
    expect(b.code, b.err).toBe(0);
    expect(b.corpus).not.toBe(a.corpus);
    expect(tree(join(dir, 'b'))).toEqual(tree(join(dir, 'a')));
  });

  it('refuses transcripts, --memory or --store beside --demo', async () => {
    for (const extra of [['x.jsonl'], ['--memory', dir], ['--store', 'memstore_x']]) {
      const r = await reverie('dream', '--demo', ...extra);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/--demo dreams a corpus it generates itself/);
    }
  });
});
