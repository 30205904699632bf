/**
 * `reverie teams create|add|list|scope|attach` (issue 14): teams of people and agents, the scope of a
 * store (a person's, an agent's, a team's or the organisation's), and the stores attached to an agent.
 * A thin shell over the service's {@link TeamService}.
 */
import type { Command } from 'commander';
import type { MemberRef } from '../domain/index.js';
import { parseScope, type TeamWithMembers } from '../service/index.js';
import { collect, positiveInt } from './args.js';
import { table } from './output.js';
import type { CliContext } from './program.js';

const memberList = (t: TeamWithMembers) => t.members.map((m) => `${m.type}:${m.id}`).join(', ');

/** Adds the `teams` command group to `program`. */
export function registerTeamsCommand(program: Command, ctx: CliContext): void {
  const teams = program.command('teams').description('teams of people and agents, and store scopes');
  teamsCreateCommand(teams, ctx);
  teamsAddCommand(teams, ctx);
  teamsListCommand(teams, ctx);
  teamsScopeCommand(teams, ctx);
  teamsAttachCommand(teams, ctx);
}

/** `teams create <name>`: a team, unique in the workspace. */
function teamsCreateCommand(teams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  teams
    .command('create')
    .description('create a team')
    .argument('<name>', 'team name, unique in the workspace')
    .option('--json', 'print JSON')
    .action(async (name: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const t = await svc.teams.createTeam(name);
        if (g.json || o.json) return printJson(t);
        io.out(`Created team ${t.name} (${t.id})\n`);
      });
    });
}

/** `teams add <team> --person/--agent`: members. */
function teamsAddCommand(teams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  teams
    .command('add')
    .description('add people and agents to a team')
    .argument('<team>', 'team name or id')
    .option('--person <id>', 'a person (repeatable)', collect, [])
    .option('--agent <id>', 'an agent (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (team: string, o, cmd: Command) => {
      const members: MemberRef[] = [
        ...(o.person as string[]).map((id) => ({ type: 'person' as const, id })),
        ...(o.agent as string[]).map((id) => ({ type: 'agent' as const, id })),
      ];
      if (members.length === 0) cmd.error('error: give --person or --agent');
      await withService(cmd, async (svc, g) => {
        const t = await svc.teams.addMembers(team, members);
        if (g.json || o.json) return printJson(t);
        io.out(`${t.name}: ${memberList(t)}\n`);
      });
    });
}

/** `teams list`: teams and their members. */
function teamsListCommand(teams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  teams
    .command('list')
    .description('list teams and their members')
    .option('--json', 'print JSON')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const list = await svc.teams.listTeams();
        if (g.json || o.json) return printJson({ data: list });
        if (list.length === 0) return io.out('No teams.\n');
        io.out(
          table(
            ['id', 'name', 'members'],
            list.map((t) => [t.id, t.name, memberList(t)]),
          ),
        );
      });
    });
}

/** `teams scope <store> <scope>`: a store's scope, with the support it needs. */
function teamsScopeCommand(teams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  teams
    .command('scope')
    .description("set a store's scope: person:<id>, agent:<id>, team:<team>, organisation, or none")
    .argument('<store>', 'memory store id')
    .argument('<scope>', 'person:<id> | agent:<id> | team:<team> | organisation | none')
    .option(
      '--min-support <k>',
      'distinct people or agents (teams, for the organisation) a pattern needs (default 2)',
      positiveInt,
    )
    .option('--json', 'print the store as JSON')
    .action(async (storeId: string, scope: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const s = await svc.teams.setScope(
          storeId,
          scope === 'none' ? null : { ...parseScope(scope), min_support: o.minSupport },
        );
        if (g.json || o.json) return printJson(s);
        const sc = s.scope;
        const k =
          sc?.type === 'team'
            ? `, promotes what recurs for ${sc.min_support}+ people or agents`
            : sc?.type === 'organisation'
              ? `, promotes what recurs across ${sc.min_support}+ teams`
              : '';
        io.out(
          sc
            ? `${s.id} (${s.name}): ${sc.type}${sc.id ? `:${sc.id}` : ''}${k}\n`
            : `${s.id} (${s.name}): no scope\n`,
        );
      });
    });
}

/** `teams attach <agent> [stores...]`: the stores attached to an agent. */
function teamsAttachCommand(teams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  teams
    .command('attach')
    .description('attach up to 8 stores to an agent (replaces what was attached)')
    .argument('<agent>', 'agent id')
    .argument('[stores...]', 'memstore_… ids; append :read_only for read-only access')
    .option('--json', 'print JSON')
    .action(async (agent: string, stores: string[], o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const list = await svc.teams.attachStores(
          agent,
          stores.map((s) => {
            const [id, access] = s.split(':');
            return { memory_store_id: id!, access: access === 'read_only' ? 'read_only' : 'read_write' };
          }),
        );
        if (g.json || o.json) return printJson({ data: list });
        io.out(`${agent}: ${list.map((a) => `${a.memory_store_id} (${a.access})`).join(', ') || 'none'}\n`);
      });
    });
}
