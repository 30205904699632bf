/**
 * `reverie mcp --store <id> [--db …]`: serves one memory store to an MCP client over stdio (src/mcp);
 * `reverie mcp --session <id>` serves the stores attached to a session instead, each at its mount path
 * `/mnt/memory/<slug>/` with its access (src/mcp/session-server.ts). The
 * protocol owns stdout; nothing else is printed there. Runs until the client closes stdin or sends
 * SIGTERM/SIGINT; dreams it started and that are still running are then canceled.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { createMcpServer, type ReverieMcpServer } from '../mcp/server.js';
import { createSessionMcpServer } from '../mcp/session-server.js';
import type { Reverie } from '../service/index.js';
import type { CliContext } from './program.js';

/** The MCP server of one store, once the store is known to exist. @throws NotFoundError */
async function storeServer(svc: Reverie, storeId: string, readOnly: boolean): Promise<ReverieMcpServer> {
  await svc.getStore(storeId);
  return createMcpServer(svc, storeId, { readOnly });
}

/** Adds the `mcp` command to `program`. */
export function registerMcpCommand(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .description(
      'serve a memory store over MCP (stdio): the memory tool, memory_search, dream and review tools, memories as resources',
    )
    .option('--store <id>', 'the memory store to serve')
    .option(
      '--session <id>',
      'instead of --store: the stores attached to this session, at their mount paths /mnt/memory/<slug>/',
    )
    .option('--read-only', 'the memory tool only views; no dream or review tools')
    .action(async (o: { store?: string; session?: string; readOnly?: boolean }, cmd: Command) => {
      if (!o.store === !o.session) cmd.error('error: give either --store <id> or --session <id>');
      await ctx.withService(cmd, async (svc) => {
        const { server, shutdown } = o.session
          ? await createSessionMcpServer(svc, o.session, { readOnly: o.readOnly === true })
          : await storeServer(svc, o.store!, o.readOnly === true);
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((resolve) => {
          transport.onclose = () => resolve();
        });
        const stop = () => void server.close();
        process.stdin.once('end', stop);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        await server.connect(transport);
        await closed;
        // A dream still running is canceled (it ends `canceled`, not stuck `running`) before the database closes.
        await shutdown();
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      });
    });
}
