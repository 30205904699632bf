/**
 * `reverie dreams list|show|cancel`, `reverie changes <dream>` and `reverie why <store> <path>`: dreams,
 * their change sets, and the provenance of one memory.
 */
import type { Command } from 'commander';
import { evidenceSources, listDreamsWithJobs, renderChangeSetMarkdown } from '../service/index.js';
import { table } from './output.js';
import type { CliContext } from './program.js';
import { dreamSummary, usageLine } from './summary-lines.js';
import { registerDreamCancelCommand } from './worker-command.js';

/** Registers `dreams` (list, show, cancel), `changes` and `why` on `program`. */
export function registerDreamsCommands(program: Command, ctx: CliContext): void {
  const dreams = program.command('dreams').description('dreams');
  registerListCommand(dreams, ctx);
  registerShowCommand(dreams, ctx);
  registerChangesCommand(program, ctx);
  registerWhyCommand(program, ctx);
  registerDreamCancelCommand(dreams, ctx);
}

/** `dreams list`: newest first, with each dream's queue job. */
function registerListCommand(dreams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  dreams
    .command('list')
    .option('--store <id>', 'only dreams of this store')
    .option('--json', 'print JSON')
    .description('list dreams, newest first')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const page = await listDreamsWithJobs(svc, { memory_store_id: o.store, limit: 100 });
        if (g.json)
          return printJson({
            data: page.data.map((x) => ({ ...x.dream, job: x.job })),
            next_page: page.next_page,
          });
        io.out(
          page.data.length
            ? table(
                ['id', 'status', 'job', 'store', 'sessions', 'changes', 'created_at'],
                page.data.map(({ dream: d, job }) => [
                  d.id,
                  d.status,
                  job ? `${job.state.replace('_', ' ')} (attempt ${job.attempts}/${job.max_attempts})` : '-',
                  d.inputs[0].memory_store_id,
                  d.inputs[1].session_ids.length,
                  d.stats.changes ?? '-',
                  d.created_at,
                ]),
              )
            : 'no dreams\n',
        );
      });
    });
}

/** `dreams show <dream>`: one dream's summary, stores, error, model, usage and stats. */
function registerShowCommand(dreams: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  dreams
    .command('show')
    .argument('<dream>', 'dream id')
    .option('--json', 'print JSON')
    .description('show a dream')
    .action(async (id: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const d = await svc.getDream(id);
        const changes = await svc.listChanges(id);
        if (g.json) return printJson(d);
        io.out(`${dreamSummary(d, changes)}\n`);
        io.out(`engine ${d.engine} · created ${d.created_at}${d.ended_at ? ` · ended ${d.ended_at}` : ''}\n`);
        io.out(
          `input store ${d.inputs[0].memory_store_id} → ${d.outputs.map((o) => o.memory_store_id).join(', ') || '(no output store)'}\n`,
        );
        if (d.error) io.out(`error: ${d.error.type}: ${d.error.message}\n`);
        io.out(`model ${d.model.id} · ${usageLine(d)}\n`);
        const stats = Object.entries(d.stats).sort(([a], [b]) => (a < b ? -1 : 1));
        if (stats.length) io.out(`stats: ${stats.map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
      });
    });
}

/** `changes <dream>`: the change set with reasons, support, evidence and diffs. */
function registerChangesCommand(program: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  program
    .command('changes')
    .argument('<dream>', 'dream id')
    .option('--no-diff', 'omit diffs')
    .option('--json', 'print JSON')
    .description("show a dream's change set: each change with its reason, support, evidence and diff")
    .action(async (id: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const changes = await svc.listChanges(id);
        if (g.json) return printJson({ dream_id: id, data: changes });
        const sessions = new Map(
          (
            await svc.getSessions([...new Set(changes.flatMap((c) => c.evidence.map((e) => e.session_id)))])
          ).map((s) => [s.id, s]),
        );
        io.out(
          renderChangeSetMarkdown(changes, {
            title: `Change set of ${id}`,
            lookup: (sid) => sessions.get(sid),
            sources: await evidenceSources(changes, (sid) => svc.getEvents(sid)),
            diff: o.diff,
          }),
        );
      });
    });
}

/** `why <store> <path>`: the provenance of one memory. */
function registerWhyCommand(program: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  program
    .command('why')
    .argument('<store>', 'store id')
    .argument('<path>', 'memory path, e.g. /mistakes/payment-total.md')
    .option('--json', 'print JSON')
    .description(
      'show the provenance of one memory: versions, the dream changes behind them and their evidence',
    )
    .action(async (storeId: string, path: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const p = await svc.why(storeId, path);
        if (g.json) return printJson(p);
        io.out(`${path} in ${storeId}${p.memory ? ` (memory ${p.memory.id})` : ' (deleted)'}\n`);
        for (const h of p.history) {
          const v = h.version;
          io.out(`\n${v.created_at}  ${v.operation} by ${v.created_by.type} ${v.created_by.id}  [${v.id}]\n`);
          if (v.note) io.out(`  note: ${v.note}\n`);
          if (h.change) {
            io.out(
              `  change ${h.change.id} (${h.change.kind}, ${h.change.op}, confidence ${h.change.confidence.toFixed(2)}, support ${h.change.support.sessions} session${h.change.support.sessions === 1 ? '' : 's'} / ${h.change.support.agents} agent${h.change.support.agents === 1 ? '' : 's'})\n`,
            );
            io.out(`  why: ${h.change.reason}\n`);
          }
          for (const e of h.evidence)
            io.out(
              `  - ${e.session_id} ${e.session_title ? `(${e.session_title}) ` : ''}events ${e.seq_from}–${e.seq_to}: “${e.quote.replace(/\s+/g, ' ').slice(0, 160)}”\n`,
            );
        }
      });
    });
}
