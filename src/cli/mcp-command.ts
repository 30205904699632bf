/**
 * `reverie mcp --store <id> [--db …]`: serves one memory store to an MCP client over stdio (src/mcp). The
 * protocol owns stdout; nothing else is printed there. Runs until the client closes stdin or sends
 * SIGTERM/SIGINT; dreams it started and that are still running are then canceled.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { createMcpServer } from '../mcp/server.js';
import type { CliContext } from './program.js';

/** Adds the `mcp` command to `program`. */
export function registerMcpCommand(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .description(
      'serve a memory store over MCP (stdio): the memory tool, memory_search, dream and review tools, memories as resources',
    )
    .requiredOption('--store <id>', 'the memory store to serve')
    .option('--read-only', 'the memory tool only views; no dream or review tools')
    .action(async (o: { store: string; readOnly?: boolean }, cmd: Command) => {
      await ctx.withService(
        cmd,
        async (svc) => {
          await svc.getStore(o.store);
          const { server, shutdown } = createMcpServer(svc, o.store, { readOnly: o.readOnly === true });
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
        },
        // A long-running server: WAL checkpoints run on a worker thread, never inside an agent's write.
        { sqlite: { checkpointInBackground: true } },
      );
    });
}
