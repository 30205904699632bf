import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, itWithData } from '../../test/data.js';
import { ImportError } from '../domain/index.js';
import { expandInputs, type FileImportResult, importTranscripts } from './index.js';

async function collect(paths: string[], opts = {}): Promise<FileImportResult[]> {
  const out: FileImportResult[] = [];
  for await (const r of importTranscripts(paths, opts)) out.push(r);
  return out;
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'reverie-ingest-'));
}

describe('expandInputs', () => {
  itWithData('walks folders, keeps transcripts, skips report.json, sorts', async () => {
    const files = await expandInputs([join(DATA, 'mini-swe-agent/django-100')]);
    expect(files).toHaveLength(100);
    expect(files.every((f) => f.endsWith('.traj.json'))).toBe(true);
    expect([...files].sort()).toEqual(files);
  });

  itWithData('includes Claude Code subagent files after their parent', async () => {
    const files = await expandInputs([join(DATA, 'claude-code')]);
    expect(files.map((f) => f.slice(DATA.length + 1))).toEqual([
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-a5bdbc1.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-a9cad17.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-aa5ef13.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-ac27727.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-afbbf75.jsonl',
      'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl',
      'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8/subagents/agent-a2018e5.jsonl',
    ]);
  });

  it('keeps explicit files, skips hidden entries and node_modules, de-duplicates', async () => {
    const dir = scratch();
    mkdirSync(join(dir, '.hidden'));
    mkdirSync(join(dir, 'node_modules'));
    mkdirSync(join(dir, 'sub'));
    for (const f of [
      '.hidden/a.json',
      'node_modules/b.json',
      'sub/c.jsonl',
      'd.json',
      'report.json',
      'e.txt',
      '.f.json',
    ]) {
      writeFileSync(join(dir, f), '[]');
    }
    // Argument order is kept: the folder's files (sorted) first, then the explicit report.json; d.json,
    // named twice, appears once where it was first found.
    expect(await expandInputs([dir, join(dir, 'd.json'), join(dir, 'report.json')])).toEqual([
      join(dir, 'd.json'),
      join(dir, 'sub/c.jsonl'),
      join(dir, 'report.json'),
    ]);
  });

  it('names a path that does not exist', async () => {
    await expect(expandInputs(['/nope/missing.json'])).rejects.toThrow(
      '/nope/missing.json: no such file or directory',
    );
  });
});

describe('importTranscripts', () => {
  itWithData('imports the good file when another one fails', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a-bad.json'), '{"hello": "world"}');
    const results = await collect([
      join(dir, 'a-bad.json'),
      join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json'),
      '/nope/x.json',
    ]);
    expect(results).toHaveLength(3);
    const [missing, bad, good] = results;
    expect(missing).toMatchObject({ file: '/nope/x.json' });
    expect('error' in missing! && missing.error).toBeInstanceOf(ImportError);
    expect('error' in bad! && bad.error.message).toMatch(/a-bad\.json: unknown transcript format/);
    expect(good).toMatchObject({ format: 'tau-bench' });
    expect('sessions' in good! && good.sessions).toHaveLength(100);
  });

  itWithData('imports a file named twice only once', async () => {
    const tau = join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json');
    const results = await collect([
      tau,
      join(DATA, 'tau-bench'),
      join(DATA, 'tau-bench/../tau-bench/airline-gpt-4o.trials-0-1.json'),
    ]);
    expect(results.map((r) => r.file)).toEqual([tau]);
  });

  it('forces a format with opts.format', async () => {
    const dir = scratch();
    const file = join(dir, 'chat.json');
    writeFileSync(file, JSON.stringify([{ task_id: 1, reward: 1, traj: [{ role: 'user', content: 'hi' }] }]));
    const [r] = await collect([file], { format: 'openai-chat' });
    expect('error' in r! && r.error.message).toMatch(/conversation 0: expected an array of messages/);
    const [ok] = await collect([file], { format: 'tau-bench' });
    expect(ok).toMatchObject({
      format: 'tau-bench',
      sessions: [{ external_id: 'tau-bench:chat.json:task-1:element-0' }],
    });
  });

  it('reports broken JSON with its line', async () => {
    const dir = scratch();
    const file = join(dir, 'broken.json');
    writeFileSync(file, '[\n  {"task_id": 1,\n   "reward": 1\n   "traj": []}\n]\n');
    const [r] = await collect([file]);
    expect('error' in r! && r.error.message).toBe(
      `${file}:4: invalid JSON: Expected ',' or '}' after property value in JSON at position 37`,
    );
    expect('error' in r! && r.error.line).toBe(4);
  });
});
