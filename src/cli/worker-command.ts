/**
 * `reverie worker [--concurrency N] [--workspace-concurrency N] [--fan-out-sessions N] [--gather-batch N]`:
 * runs queued dreams (a big dream's gather batches too, see schedule/fan-out.ts) and evaluates the stores' schedules until
 * SIGINT or SIGTERM, then stops taking jobs and waits for the running ones. On a `postgres://` database
 * the queue is pg-boss (several workers on several machines share it); on SQLite the embedded table.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { WorkerError } from '../schedule/index.js';
import { startEmbeddedWorker } from '../service/index.js';
import { positiveInt } from './args.js';
import type { CliContext } from './program.js';

/** The stderr line for an error a worker recovered from (`reverie worker`, and `serve`'s embedded worker). */
export function workerErrorLine(e: WorkerError): string {
  return `worker: ${e.where}: ${e.message} (trying again)\n`;
}

/** Registers `worker` on the program. */
export function registerWorkerCommand(program: Command, ctx: CliContext): void {
  const { io, withService } = ctx;
  program
    .command('worker')
    .description(
      'run queued dreams (reverie dream --store … --queue) and evaluate store schedules until interrupted',
    )
    .option('--concurrency <n>', 'dreams run at once by this process', positiveInt, 1)
    .addOption(
      new Option(
        '--queue <backend>',
        'job queue (default: pgboss on a postgres:// database, else local)',
      ).choices(['local', 'pgboss']),
    )
    .option('--no-schedules', 'do not evaluate schedules (only run queued dreams)')
    .option('--schedule-every <seconds>', 'seconds between schedule evaluations', positiveInt, 30)
    .option(
      '--workspace-concurrency <n>',
      'jobs of one workspace run at once across all workers (default: no limit)',
      positiveInt,
    )
    .option(
      '--fan-out-sessions <n>',
      'a dream with more sessions fans its gather out in batches',
      positiveInt,
      500,
    )
    .option('--gather-batch <n>', 'sessions per gather batch of a fanned-out dream', positiveInt, 500)
    .option('--json', 'print one JSON line per finished job')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const worker = await startEmbeddedWorker(svc, {
          concurrency: o.concurrency,
          schedules: o.schedules,
          scheduleEveryMs: o.scheduleEvery * 1000,
          queueOptions: { backend: o.queue },
          group_concurrency: o.workspaceConcurrency ?? null,
          fanOut: { minSessions: o.fanOutSessions, batchSize: o.gatherBatch },
          // recovered errors (a failed claim or schedule evaluation, tried again): a line on stderr
          onError: (e) => io.err(g.json ? `${JSON.stringify({ error: e })}\n` : workerErrorLine(e)),
          onJobEnd: (e) =>
            io.out(
              g.json
                ? `${JSON.stringify(e)}\n`
                : `${e.dream_id}${e.batch === undefined ? '' : ` gather batch ${e.batch}`} attempt ${e.attempt}: ${e.outcome}${e.error ? ` — ${e.error}` : ''}\n`,
            ),
        });
        if (!g.json)
          io.err(
            `worker started (concurrency ${o.concurrency}${o.schedules ? ', schedules on' : ''}); Ctrl-C stops it\n`,
          );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        if (!g.json) io.err('stopping: waiting for running dreams\n');
        await worker.stop();
      });
    });
}

/**
 * Registers `dreams cancel <dream>` under the `dreams` command: a pending dream never runs; a running one
 * (in any process) stops at its next phase or session boundary and ends `canceled` with nothing stored.
 */
export function registerDreamCancelCommand(dreams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  dreams
    .command('cancel')
    .argument('<dream>', 'dream id')
    .option('--json', 'print the dream as JSON')
    .description('cancel a pending or running dream (a running one stops at its next phase or session)')
    .action(async (id: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const d = await svc.cancelDream(id);
        if (g.json) return printJson(d);
        io.out(`${d.id} ${d.status}\n`);
      });
    });
}
