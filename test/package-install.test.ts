/**
 * The npm package, installed the way npm users install tools (issue 7 items 19 and 20): `npm pack`,
 * `npm install -g --prefix TMP ./reverie-*.tgz`, then the installed `reverie` runs a one-shot dream on a
 * corpus the project's own seeded generator writes; under a Node.js older than `engines.node` the
 * installed command (and the checkout's) stops with a message naming the version needed. Dependencies
 * come from npm's cache when it has them (`--prefer-offline`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted } from '../src/eval/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const NEED = /(\d+\.\d+)/.exec(
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node,
)![1]!;
/** PATH with the Node.js running the tests first, so npm and the installed bin run on it. */
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH}`;

let tmp: string;
let bin: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'reverie-pack-'));
  const env = { ...process.env, PATH };
  execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: ROOT, env, stdio: 'pipe' });
  const tgz = readdirSync(tmp).find((f) => /^reverie-.*\.tgz$/.test(f))!;
  execFileSync(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      join(tmp, 'prefix'),
      join(tmp, tgz),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    { cwd: tmp, env, stdio: 'pipe' },
  );
  bin = join(tmp, 'prefix/bin/reverie');
}, 240_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `file ARGS` with `PATH`, returning exit status and output. */
function run(file: string, args: string[], path = PATH) {
  const r = spawnSync(file, args, {
    env: { ...process.env, PATH: path },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/** A Node.js binary on this machine older than `engines.node`, if there is one. */
function oldNode(): string | null {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const node = join(d, 'node');
    if (!existsSync(node)) continue;
    const v = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const [maj, min] = v.split('.').map(Number) as [number, number];
    const [nMaj, nMin] = NEED.split('.').map(Number) as [number, number];
    if (maj < nMaj || (maj === nMaj && min < nMin)) return node;
  }
  return null;
}

describe('the packed and installed package', () => {
  it('installs a `reverie` command that dreams a generated corpus into --out', async () => {
    expect(existsSync(bin), `npm install -g gave no ${bin}`).toBe(true);
    const corpus = join(tmp, 'corpus');
    await generatePlanted({ outDir: corpus, sessions: 20, seed: 3 });
    const out = join(tmp, 'out');
    const r = run(bin, [
      '--db',
      join(tmp, 'r.db'),
      'dream',
      join(corpus, 'transcripts/coding'),
      join(corpus, 'transcripts/support'),
      '--memory',
      join(corpus, 'memory'),
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.dream.status).toBe('completed');
    expect(j.import).toMatchObject({ files: 20, created: 20 });
    expect(j.changes.total).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'MEMORY.md'), 'utf8')).toMatch(/^- \[/m);
    expect(existsSync(join(out, '.reverie/CHANGES.md'))).toBe(true);
  });

  it(`stops with a message naming Node.js ${NEED} under an older Node.js, before loading better-sqlite3`, () => {
    // A real old Node.js when the machine has one (Debian's is 20); else this Node.js made to report 20.
    const old = oldNode();
    const fake = `data:text/javascript,Object.defineProperty(process,"versions",{value:{...process.versions,node:"20.19.0"}})`;
    const runs = [
      ...(old ? [run(bin, ['store', 'list'], `${dirname(old)}${delimiter}${process.env.PATH}`)] : []),
      ...(old ? [run(old, [join(ROOT, 'bin/reverie.js'), 'store', 'list'])] : []),
      run(process.execPath, ['--import', fake, join(ROOT, 'bin/reverie.js'), 'store', 'list']),
      run(process.execPath, ['--import', fake, bin, '--version']),
    ];
    for (const r of runs) {
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        new RegExp(
          `^error: reverie needs Node\\.js ${NEED.replace('.', '\\.')} or newer; this is Node\\.js 20\\.`,
        ),
      );
      expect(r.err).toMatch(/Install Node\.js 24 LTS/);
      expect(r.out).toBe('');
    }
  });
});
