/**
 * The CLI of issue 10: `dream --store … --queue`, `reverie worker` (a real process, stopped with
 * SIGTERM), `dreams list --store --json` with job states, `schedule set|show|pause|resume|delete`,
 * `sessions import --store`, `sessions outcome`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, cliRunner } from './cli-harness.js';
import { describeWithData, TAU } from './data.js';
import { until } from './queues.js';

const ROOT = resolve(import.meta.dirname, '..');
let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-worker-cli-'));
  db = join(dir, 'r.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = cliRunner(() => db);
const json = cliJson(cli);

describe('reverie schedule', () => {
  it('sets a cron schedule in the hosted shape with its next runs; pause, resume, delete; bad input named', async () => {
    const store = (await json('store', 'create', 'team')).id as string;
    const v = await json(
      'schedule',
      'set',
      store,
      '--min-new-sessions',
      '5',
      '--cron',
      '0 3 * * *',
      '--timezone',
      'Europe/Berlin',
      '--apply',
      'auto',
    );
    expect(v.schedule).toMatchObject({
      memory_store_id: store,
      min_new_sessions: 5,
      cron: { type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Berlin' },
      apply: 'auto',
      paused: false,
    });
    expect(v.next_runs).toHaveLength(5);
    for (const t of v.next_runs) expect(t).toMatch(/T0[12]:00:00\.000Z$/); // 03:00 in Berlin
    expect((await json('schedule', 'pause', store)).schedule.paused).toBe(true);
    expect((await json('schedule', 'show', store)).why).toBe('paused');
    expect((await json('schedule', 'resume', store)).schedule.paused).toBe(false);
    const human = await cli('schedule', 'show', store);
    expect(human.out).toContain('cron "0 3 * * *" (Europe/Berlin)');

    const bad = await cli('schedule', 'set', store, '--cron', '99 * * * *', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).error).toMatchObject({ type: 'invalid_request_error', field: 'cron' });
    const tz = await cli('schedule', 'set', store, '--timezone', 'Mars/Base', '--json');
    expect(JSON.parse(tz.out).error).toMatchObject({ field: 'timezone' });
    expect(await json('schedule', 'delete', store)).toEqual({
      memory_store_id: store,
      type: 'dream_schedule_deleted',
    });
    expect((await cli('schedule', 'show', store)).code).toBe(1);
  });
});

describeWithData('reverie dream --queue and reverie worker (τ-bench airline)', () => {
  it('queues a dream that a worker process runs; dreams list shows the job; outcomes are recorded', {
    timeout: 180_000,
  }, async () => {
    const store = (await json('store', 'create', 'airline')).id as string;
    const imported = await json('sessions', 'import', TAU, '--store', store);
    expect(imported.totals.created).toBe(100);
    await json('schedule', 'set', store, '--min-new-sessions', '1000');
    expect((await json('schedule', 'show', store)).new_sessions).toBe(100);

    const refused = await cli('dream', '--store', store, '--queue', '--out', join(dir, 'out'), '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).error.message).toContain('--out cannot be used with --queue');
    expect((await json('dreams', 'list', '--store', store)).data).toEqual([]);
    const q = await json('dream', '--store', store, '--queue');
    expect(q.dream.status).toBe('pending');
    expect(q.job).toMatchObject({ state: 'queued', backend: 'local', singleton_key: `dream:${q.dream.id}` });
    let listed = await json('dreams', 'list', '--store', store);
    expect(
      listed.data.map((d: { status: string; job: { state: string } }) => [d.status, d.job.state]),
    ).toEqual([['pending', 'queued']]);

    // the built command (./dev builds dist/ before the tests run): the CLI loads .tsx modules
    const worker = spawn(
      process.execPath,
      [join(ROOT, 'bin/reverie.js'), '--db', db, 'worker', '--concurrency', '2', '--json'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    worker.stdout.on('data', (b) => (out += b));
    const exited = new Promise<number | null>((r) => worker.on('exit', r));
    try {
      listed = await until('the queued dream to complete', 120_000, async () => {
        const l = await json('dreams', 'list', '--store', store);
        return l.data[0].job.state === 'completed' && l;
      });
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(listed.data[0]).toMatchObject({ id: q.dream.id, status: 'completed', job: { attempts: 1 } });
    expect(JSON.parse(out.trim().split('\n')[0]!)).toMatchObject({
      dream_id: q.dream.id,
      outcome: 'completed',
    });

    // cancel: a queued dream that never runs; a completed one cannot be canceled (exit 1)
    const q2 = await json('dream', '--store', store, '--queue', '--session', imported.session_ids[1]);
    expect((await json('dreams', 'cancel', q2.dream.id)).status).toBe('canceled');
    expect((await cli('dreams', 'cancel', q.dream.id)).code).toBe(1);

    const sid = imported.session_ids[0] as string;
    const s = await json(
      'sessions',
      'outcome',
      sid,
      '--result',
      'partial',
      '--score',
      '0.5',
      '--label',
      'late',
    );
    expect(s.outcome).toEqual({
      result: 'partial',
      score: 0.5,
      labels: ['late'],
      explanation: null,
      source: 'user',
    });
    expect((await cli('sessions', 'outcome', sid, '--result', 'great')).code).toBe(2);
    expect((await json('sessions', 'outcome', sid, '--clear')).outcome).toBeNull();
  });
});

describeWithData('reverie serve runs queued dreams (τ-bench airline)', () => {
  it('its embedded worker runs a queued dream; with --no-worker the dream waits', {
    timeout: 240_000,
  }, async () => {
    const store = (await json('store', 'create', 'served')).id as string;
    await json('sessions', 'import', TAU, '--store', store);
    const serve = (...extra: string[]) => {
      const p = spawn(
        process.execPath,
        [join(ROOT, 'bin/reverie.js'), '--db', db, 'serve', '--port', '0', ...extra],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      p.stdout.on('data', (b) => (out += b));
      return { p, out: () => out, exited: new Promise<number | null>((r) => p.on('exit', r)) };
    };

    const quiet = serve('--no-worker');
    const q1 = await json('dream', '--store', store, '--queue');
    await until('serve --no-worker to start', 30_000, async () => quiet.out().includes('review page on'));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await json('dreams', 'show', q1.dream.id)).status).toBe('pending');
    expect(quiet.out()).not.toContain('worker: running');
    quiet.p.kill('SIGTERM');
    expect(await quiet.exited).toBe(0);

    const busy = serve();
    try {
      await until('the served worker to complete the queued dream', 120_000, async () => {
        const d = await json('dreams', 'show', q1.dream.id);
        return d.status === 'completed' && d;
      });
      expect(busy.out()).toContain('worker: running queued and scheduled dreams');
    } finally {
      busy.p.kill('SIGTERM');
    }
    expect(await busy.exited).toBe(0);
  });
});
