/**
 * `reverie serve`: the web review page, the HTTP API (`/v1/...`, keys from `reverie keys create`) and MCP
 * over Streamable HTTP at `/mcp`, on one port; queued and scheduled dreams run in this process unless
 * `--no-worker`.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { createApiApp, isApiPath } from '../api/index.js';
import { createServedMcpHandler, MCP_PATH } from '../mcp/serve-mount.js';
import { startEmbeddedWorker } from '../service/dream-queue.js';
import { stopDreamRuns } from '../service/dream-runs.js';
import { ReviewService } from '../service/review-service.js';
import { DEFAULT_PORT, serveReviewApp } from '../ui/index.js';
import { collect } from './args.js';
import type { CliContext } from './program.js';
import { defaultReviewer } from './review-commands.js';
import { workerErrorLine } from './worker-command.js';

/** The parsed options of `reverie serve` (commander's camel-cased names). */
interface ServeOptions {
  port?: number;
  host: string;
  allowedHost?: string[];
  requireLogin?: boolean;
  insecureNoAuth?: boolean;
  reviewer?: string;
  worker: boolean;
}

/** `serve`: the review page, the HTTP API and MCP over HTTP, with an embedded worker unless --no-worker. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .option('--port <n>', `port (default ${DEFAULT_PORT})`, (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535)
        throw new InvalidArgumentError('expected a port number 0–65535');
      return n;
    })
    .option(
      '--host <host>',
      'interface to listen on (default 127.0.0.1: this machine only; others need --require-login or --insecure-no-auth)',
      '127.0.0.1',
    )
    .option(
      '--allowed-host <name>',
      'another Host name the server answers to, e.g. reverie.lan:7433 (repeatable; others get 421)',
      collect,
    )
    .option(
      '--require-login',
      'the review page asks for an API key (reverie keys create) and records its name as the reviewer; needed to listen beyond this machine',
    )
    .option(
      '--insecure-no-auth',
      'allow a non-loopback --host although the server has no authentication (anyone who reaches it can read and change everything)',
    )
    .option(
      '--reviewer <name>',
      'reviewer name until one is set on the page (default: $REVERIE_USER or your user name)',
    )
    .option(
      '--no-worker',
      'do not run queued and scheduled dreams in this process (run `reverie worker` instead)',
    )
    .description(
      'serve the web review page (dreams, per-change diffs with evidence, approve / edit / reject, apply, history and rollback) and the HTTP API (/v1/memory_stores, for the Anthropic SDK; keys from `reverie keys create`)',
    )
    .action((o: ServeOptions, cmd: Command) => serveAction(ctx, o, cmd));
}

/** Serves until SIGINT / SIGTERM, then stops the worker, MCP, running dreams and the server, in that order. */
async function serveAction(ctx: CliContext, o: ServeOptions, cmd: Command): Promise<void> {
  const { io, withService } = ctx;
  await withService(
    cmd,
    async (svc) => {
      // MCP over Streamable HTTP at /mcp, behind the API's keys (?store=memstore_…)
      const mcp = createServedMcpHandler(svc);
      const srv = await serveReviewApp(new ReviewService(svc), {
        port: o.port ?? DEFAULT_PORT,
        host: o.host,
        allowedHosts: o.allowedHost ?? [],
        insecureNoAuth: o.insecureNoAuth === true,
        auth: o.requireLogin
          ? {
              keys: svc.keys,
              forWorkspace: (ws) => new ReviewService(svc.forWorkspace(ws)),
              forPrincipal: (p) => new ReviewService(svc.forPrincipal(p)),
            }
          : undefined,
        reviewer: o.reviewer ?? defaultReviewer(),
        mount: {
          match: (path) => isApiPath(path) || path === MCP_PATH,
          create: (allowedHosts) => {
            // dreams created over the API are jobs: this process's worker or a `reverie worker` runs them
            const api = createApiApp(svc, { allowedHosts, queueDreams: true });
            return {
              fetch: (req: Request) =>
                new URL(req.url).pathname === MCP_PATH ? mcp.handle(req) : api.fetch(req),
            };
          },
        },
      });
      if (srv.warning) io.err(`${srv.warning}\n`);
      // queued and scheduled dreams run here unless --no-worker (another `reverie worker` may share the queue)
      const worker =
        o.worker === false
          ? null
          : await startEmbeddedWorker(svc, {
              onError: (e) => io.err(workerErrorLine(e)),
            });
      io.out(`reverie review page on ${srv.url}/ (Ctrl-C to stop)\n`);
      if (worker)
        io.out(
          'worker: running queued and scheduled dreams (--no-worker to leave them to `reverie worker`)\n',
        );
      io.out(`HTTP API on ${srv.url}/v1 (OpenAPI: ${srv.url}/openapi.json; keys: reverie keys create)\n`);
      io.out(`MCP (Streamable HTTP) on ${srv.url}${MCP_PATH}?store=memstore_… (the same keys)\n`);
      io.out(`answering to Host: ${srv.allowedHosts.join(', ')}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await worker?.stop();
      await mcp.close();
      const stopped = await stopDreamRuns();
      if (stopped) io.err(`stopped ${stopped} running dream${stopped === 1 ? '' : 's'} (now canceled)\n`);
      await srv.close();
    },
    // A long-running server: WAL checkpoints run on a worker thread, never inside a request's write
    // (as `reverie mcp`), so the API's and /mcp's write latency does not carry a checkpoint every ~160 commits.
    { sqlite: { checkpointInBackground: true } },
  );
}
