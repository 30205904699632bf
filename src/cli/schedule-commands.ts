/**
 * `reverie schedule set|show|pause|resume|delete <store>`: a store's dream schedule, shaped like the
 * hosted deployments' cron schedule (`{type: "cron", expression, timezone}`) plus reverie's session and
 * hour triggers. A worker (`reverie worker`) evaluates schedules and queues their dreams.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  deleteSchedule,
  pauseSchedule,
  type ScheduleView,
  setSchedule,
  showSchedule,
} from '../service/index.js';
import { positiveInt } from './args.js';
import type { CliContext } from './program.js';

function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** The human rendering of a schedule. */
export function scheduleText(v: ScheduleView): string {
  const s = v.schedule;
  const triggers = [
    s.min_new_sessions !== null ? `≥ ${s.min_new_sessions} new sessions` : null,
    s.min_hours !== null ? `≥ ${s.min_hours} h since the last dream` : null,
    s.cron ? `cron "${s.cron.expression}" (${s.cron.timezone})` : null,
  ].filter((x) => x !== null);
  const lines = [
    `schedule of ${s.memory_store_id}${s.paused ? ' (paused)' : ''}: ${triggers.join(', ')}; apply ${s.apply}`,
    `now: ${v.new_sessions} new sessions; ${v.due ? 'due' : `not due (${v.why})`}`,
    `last fired: ${s.last_fired_at ?? 'never'}${s.last_dream_id ? ` (dream ${s.last_dream_id})` : ''}`,
  ];
  if (s.instructions) lines.push(`instructions: ${s.instructions}`);
  if (v.next_runs.length) lines.push(`next runs: ${v.next_runs.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Registers `schedule` and its subcommands on the program. */
export function registerScheduleCommands(program: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  const print = (v: ScheduleView, json: boolean | undefined) =>
    json ? printJson(v) : io.out(scheduleText(v));
  const schedule = program
    .command('schedule')
    .description("a store's dream schedule (run by reverie worker)");
  schedule
    .command('set')
    .argument('<store>', 'store id')
    .option(
      '--min-new-sessions <n>',
      'dream once this many sessions were attached since the last dream',
      positiveInt,
    )
    .option('--min-hours <h>', 'and at least this many hours passed since the last dream', nonNegative)
    .option('--cron <expr>', 'and a cron occurrence passed (5 or 6 fields, e.g. "0 3 * * *")')
    .option('--timezone <tz>', 'IANA time zone of --cron (default UTC)')
    .addOption(
      new Option(
        '--apply <mode>',
        'auto: hold back 20% as probes and apply what the policy and the check allow',
      ).choices(['auto', 'review']),
    )
    .option('--instructions <text>', "guidance for the schedule's dreams")
    .option('--json', 'print JSON')
    .description('create or change the schedule (omitted options keep their value)')
    .action(async (store: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) =>
        print(
          await setSchedule(svc, store, {
            min_new_sessions: o.minNewSessions,
            min_hours: o.minHours,
            cron: o.cron,
            timezone: o.timezone,
            apply: o.apply,
            instructions: o.instructions,
          }),
          g.json,
        ),
      );
    });
  schedule
    .command('show')
    .argument('<store>', 'store id')
    .option('--json', 'print JSON')
    .description('show the schedule, whether it is due and its next cron runs')
    .action(async (store: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => print(await showSchedule(svc, store), g.json));
    });
  for (const [name, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const)
    schedule
      .command(name)
      .argument('<store>', 'store id')
      .option('--json', 'print JSON')
      .description(`${name} the schedule`)
      .action(async (store: string, _o, cmd: Command) => {
        await withService(cmd, async (svc, g) => print(await pauseSchedule(svc, store, paused), g.json));
      });
  schedule
    .command('delete')
    .argument('<store>', 'store id')
    .option('--json', 'print JSON')
    .description('delete the schedule (its dreams stay)')
    .action(async (store: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const r = await deleteSchedule(svc, store);
        if (g.json) return printJson(r);
        io.out(`deleted the schedule of ${store}\n`);
      });
    });
}
