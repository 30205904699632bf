/**
 * `reverie mcp --store <id> [--db …]`: serves one memory store to an MCP client over stdio (src/mcp). The
 * protocol owns stdout; nothing else is printed there. Runs until the client closes stdin or ends the
 * process.
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
    .action(async (o: { store: string }, cmd: Command) => {
      await ctx.withService(cmd, async (svc) => {
        await svc.getStore(o.store);
        const server = createMcpServer(svc, o.store);
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((resolve) => {
          transport.onclose = () => resolve();
        });
        process.stdin.once('end', () => void server.close());
        await server.connect(transport);
        await closed;
      });
    });
}
