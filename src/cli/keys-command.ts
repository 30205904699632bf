/**
 * `reverie keys create|list|revoke`: API keys for the HTTP API (issue 9). `create` prints the key
 * once (`--json`: `{"id","key","workspace_id","name","workspace_created"}`); only its SHA-256 is
 * stored, so a lost key is revoked and replaced, never recovered.
 */
import { type Command, Option } from 'commander';
import { parseMemberRef } from '../service/index.js';
import { table } from './output.js';
import type { CliContext } from './program.js';

/** Adds the `keys` command group to `program`. */
export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  const keys = program
    .command('keys')
    .description('API keys for the HTTP API (each belongs to one workspace)');

  keys
    .command('create')
    .description('create a key and print it once (only its SHA-256 is kept)')
    .requiredOption('--name <name>', 'what the key is for (shown in listings and as the reviewer)')
    .option(
      '--workspace <id|name>',
      'workspace id or name; a new name creates it (default: the default workspace)',
    )
    .addOption(
      new Option('--role <role>', 'what the key may do (each allows what the one before does)')
        .choices(['reader', 'writer', 'reviewer', 'admin'])
        .default('admin'),
    )
    .option('--member <person:id|agent:id>', 'the person or agent the key acts as (sees only its stores)')
    .option('--json', 'print {"id","key","workspace_id",…} as JSON')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const member = o.member ? parseMemberRef(o.member, '--member') : undefined;
        const k = await svc.keys.createKey({ name: o.name, workspace: o.workspace, role: o.role, member });
        if (g.json || o.json) return printJson(k);
        if (k.workspace_created) io.out(`Created workspace ${o.workspace} (${k.workspace_id})\n`);
        io.out(`${k.id} "${k.name}" (${k.role}) in ${k.workspace_id}\n${k.key}\n`);
        io.err('This key is shown once and cannot be recovered: store it now.\n');
      });
    });

  keys
    .command('list')
    .description('list keys (never the keys themselves: id, name, workspace, last 4 characters)')
    .option('--workspace <id|name>', 'only this workspace')
    .option('--all', 'include revoked keys')
    .option('--json', 'print JSON')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const list = await svc.keys.listKeys({ workspace: o.workspace, include_revoked: o.all === true });
        if (g.json || o.json) return printJson({ data: list });
        if (list.length === 0) return io.out('No keys.\n');
        io.out(
          table(
            ['id', 'name', 'role', 'workspace', 'key', 'created', 'revoked'],
            list.map((k) => [
              k.id,
              k.name,
              k.role,
              k.workspace_id,
              `…${k.key_hint}`,
              k.created_at,
              k.revoked_at ?? '',
            ]),
          ),
        );
      });
    });

  keys
    .command('revoke')
    .description('revoke a key: requests with it are refused from now on')
    .argument('<id>', 'key id (apikey_…)')
    .option('--json', 'print JSON')
    .action(async (id: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const k = await svc.keys.revokeKey(id);
        if (g.json || o.json) return printJson(k);
        io.out(`Revoked ${k.id} "${k.name}" (${k.revoked_at})\n`);
      });
    });
}
