/**
 * CLI commands of the review lane: `review` (a change set at a glance), `approve` / `reject` / `reset`
 * (one change, several, or in bulk by kind, path glob and status), `edit`, `rebase`, `apply` (by hand
 * or `--auto` under the store policy), `policy`, `rollback`, `log` and `serve` (the web review page).
 * Each prints a human summary, or one JSON document with `--json`; a command whose batch had errors or
 * conflicts exits with status 1.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ChangeKind, type ChangeStatus, ValidationError } from '../domain/index.js';
import {
  type ApplyResult,
  type AutoApplyResult,
  type BatchItem,
  CHANGE_KINDS,
  CHANGE_STATUSES,
  type ChangeSelector,
  type Decision,
  describeActor,
  describeReview,
  type PolicyPatch,
  type RollbackPlan,
  type RollbackResult,
  type RollbackTarget,
} from '../review/index.js';
import type { Reverie } from '../service/index.js';
import { ReviewService } from '../service/review-service.js';
import { collect, positiveInt } from './args.js';
import { checkLine } from './check-command.js';
import type { CliIO } from './output.js';
import { table } from './output.js';
import type { CliContext } from './program.js';

/** `N` → N, `off`/`none` → `'off'` (commander turns a parser's null into ''; see {@link offToNull}). */
function intOrOff(v: string): number | 'off' {
  if (/^(off|none|null)$/i.test(v)) return 'off';
  return positiveInt(v);
}
const offToNull = (v: number | 'off'): number | null => (v === 'off' ? null : v);

function onOff(v: string): boolean {
  if (/^(on|true|yes|1)$/i.test(v)) return true;
  if (/^(off|false|no|0)$/i.test(v)) return false;
  throw new InvalidArgumentError('expected on or off');
}

/** Who acts when `--by` is not given: `$REVERIE_USER`, else the OS user name. */
export function defaultReviewer(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REVERIE_USER?.trim()) return env.REVERIE_USER.trim();
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

const byOption = () => new Option('--by <name>', 'who decides (default: $REVERIE_USER or your user name)');

function itemLine(i: BatchItem): string {
  if (i.status === 'ok') return `  ✓ ${i.id} ${i.change_status}  ${i.path ?? ''}`;
  if (i.status === 'skipped') return `  - ${i.id} skipped (${i.reason})  ${i.path ?? ''}`;
  return `  ✗ ${i.id} ${i.error?.message ?? 'error'}`;
}

/** Prints what automatic mode did (used by `apply --auto` and `dream --apply auto`). */
export function printAutoApply(io: CliIO, r: AutoApplyResult): void {
  io.out(
    `Policy of store ${r.memory_store_id}: ${r.auto.length} change${r.auto.length === 1 ? '' : 's'} applied automatically, ${r.held.length} held for review\n`,
  );
  for (const a of r.auto) io.out(`  ✓ ${a.path}  (${a.why})\n`);
  for (const h of r.held) io.out(`  · ${h.path}  held: ${h.why}\n`);
  for (const w of r.warnings) io.out(`warning: ${w.message}\n`);
  if (r.apply) {
    for (const i of r.apply.items) if (i.status === 'error') io.out(`  ✗ ${i.path}: ${i.error?.message}\n`);
    for (const w of r.apply.warnings) io.out(`warning: ${w}\n`);
  }
}

/** Runs automatic mode on a freshly dreamed dream (for `dream --apply auto`). */
export async function autoApplyAfterDream(svc: Reverie, dreamId: string): Promise<AutoApplyResult> {
  return new ReviewService(svc).autoApply(dreamId);
}

function printApply(io: CliIO, r: ApplyResult): void {
  const conflicts = r.items.filter((i) => i.error?.conflict);
  const errors = r.items.filter((i) => i.status === 'error' && !i.error?.conflict);
  if (r.held_back)
    io.out(
      `Nothing applied to ${r.memory_store_id}: ${conflicts.length} change${conflicts.length === 1 ? '' : 's'} conflict (--strict)\n`,
    );
  else
    io.out(
      `Applied ${r.applied} change${r.applied === 1 ? '' : 's'} of ${r.dream_id} to ${r.memory_store_id} (${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}, ${errors.length} error${errors.length === 1 ? '' : 's'}, ${r.skipped} skipped)\n`,
    );
  for (const i of r.items) {
    const target = i.op === 'rename' ? `${i.path} → ${i.to_path}` : i.path;
    if (i.status === 'ok')
      io.out(
        `  ✓ ${i.op} ${target}${i.version_id ? `  → ${i.version_id}` : i.reason ? `  (${i.reason})` : ''}\n`,
      );
    else if (i.error?.conflict) io.out(`  ✗ conflict: ${i.error.message}\n`);
    else if (i.status === 'error') io.out(`  ✗ ${i.op} ${target}: ${i.error?.message}\n`);
  }
  const skipped = r.items.filter((i) => i.status === 'skipped');
  const byReason = new Map<string, number>();
  for (const i of skipped) byReason.set(i.reason ?? '', (byReason.get(i.reason ?? '') ?? 0) + 1);
  for (const [reason, n] of byReason) io.out(`  - ${n} skipped: ${reason}\n`);
  for (const w of r.warnings) io.out(`warning: ${w}\n`);
}

/** Adds the review commands to `program`. */
export function registerReviewCommands(program: Command, ctx: CliContext): void {
  const withReview: WithReview = (cmd, fn) =>
    ctx.withService(cmd, (svc, g) => fn(new ReviewService(svc), Boolean(g.json)));

  registerReviewCommand(program, ctx, withReview);
  registerDecisionCommands(program, ctx, withReview);
  registerEditCommand(program, ctx, withReview);
  registerRebaseCommand(program, ctx, withReview);
  registerApplyCommand(program, ctx, withReview);
  registerPolicyCommand(program, ctx, withReview);
  registerRollbackCommand(program, ctx, withReview);
  registerLogCommand(program, ctx, withReview);
}

/** Runs `fn` with a review service over the database `--db` names; `json` is whether `--json` was given. */
type WithReview = <T>(cmd: Command, fn: (review: ReviewService, json: boolean) => Promise<T>) => Promise<T>;

/** `review <dream>`: the change set at a glance, with what the store policy would do. */
function registerReviewCommand(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  program
    .command('review')
    .argument('<dream>', 'dream id')
    .option('--status <status>', 'only changes with this status (repeatable)', collect)
    .option('--kind <kind>', 'only changes of this kind (repeatable)', collect)
    .option('--json', 'print JSON')
    .description(
      "a dream's change set at a glance: status, kind, path, support, and what the store policy would do",
    )
    .action(async (dreamId: string, o, cmd: Command) => {
      await withReview(cmd, async (review, json) => {
        const v = await review.changeSet(dreamId);
        const changes = v.changes.filter(
          (c) => (!o.status || o.status.includes(c.status)) && (!o.kind || o.kind.includes(c.kind)),
        );
        if (json) return printJson({ ...v, changes, by_kind: undefined });
        const counts = Object.entries(v.counts)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ');
        io.out(
          `Dream ${v.dream.id} (${v.dream.status}) → store ${v.target_store.id} "${v.target_store.name}"\n`,
        );
        io.out(`${v.changes.length} changes: ${counts || 'none'}\n`);
        if (v.dream.check) io.out(`${checkLine(v.dream.check)}\n`);
        for (const r of v.dream.check?.regressions ?? [])
          io.out(`regression (${r.class}): ${r.detail}; paths: ${r.paths.join(', ') || '—'}\n`);
        for (const w of v.warnings) io.out(`warning: ${w.message}\n`);
        io.out('\n');
        if (changes.length === 0) return io.out('no changes match\n');
        io.out(
          table(
            ['id', 'status', 'kind', 'op', 'path', 'support', 'policy'],
            changes.map((c) => [
              c.id,
              c.status,
              c.kind,
              c.op,
              c.op === 'rename' ? `${c.path} → ${c.to_path}` : c.path,
              `${c.support.sessions}s/${c.support.agents}a`,
              v.policy[c.id] ? (v.policy[c.id]!.auto ? 'auto' : 'hold') : '',
            ]),
          ),
        );
        io.out(
          `\nDiffs and evidence: reverie changes ${v.dream.id} · decide: reverie approve|reject|edit … · then: reverie apply ${v.dream.id}\n`,
        );
      });
    });
}

/** `approve`, `reject`, `reset`: decide changes by id or in bulk (--kind, --path, --status, --all). */
function registerDecisionCommands(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  const decisionCommand = (name: 'approve' | 'reject' | 'reset', what: string) =>
    program
      .command(name)
      .argument('<target>', 'a dream id (then select changes by id or filters) or a change id')
      .argument('[changes...]', 'more change ids')
      .option('--kind <kind>', `only changes of this kind (repeatable): ${CHANGE_KINDS.join(', ')}`, collect)
      .option('--path <glob>', 'only changes whose path matches this glob, e.g. "/mistakes/**"')
      .option(
        '--status <status>',
        'only changes with this status (repeatable; default: pending for filters)',
        collect,
      )
      .option('--all', 'every change of the dream (with the status default above)')
      .option('--comment <text>', 'a comment recorded with the decision')
      .addOption(byOption())
      .option('--json', 'print JSON')
      .description(`${what}; by id, or in bulk by --kind / --path / --status / --all`)
      .action(async (targetId: string, more: string[], o, cmd: Command) => {
        await withReview(cmd, async (review, json) => {
          const by = o.by ?? defaultReviewer();
          const decision: Decision = name;
          for (const k of o.kind ?? [])
            if (!CHANGE_KINDS.includes(k as ChangeKind))
              throw new ValidationError(`unknown kind ${k}; kinds are ${CHANGE_KINDS.join(', ')}`, 'kind');
          for (const s of o.status ?? [])
            if (!CHANGE_STATUSES.includes(s as ChangeStatus))
              throw new ValidationError(
                `unknown status ${s}; statuses are ${CHANGE_STATUSES.join(', ')}`,
                'status',
              );
          let dreamId = targetId;
          const ids = [...more];
          if (targetId.startsWith('chg_')) {
            ids.unshift(targetId);
            dreamId = (await review.getChange(targetId)).dream_id;
          }
          const selector: ChangeSelector = {
            ids: ids.length ? ids : undefined,
            kinds: o.kind,
            path_glob: o.path,
            statuses: o.status,
            all: o.all,
          };
          if (!selector.ids && !selector.kinds && !selector.path_glob && !selector.statuses && !selector.all)
            throw new ValidationError(
              `name the changes to ${name} (ids), or select them with --kind, --path, --status or --all`,
              'changes',
            );
          const items = await review.decideMany(dreamId, { decision, by, comment: o.comment }, selector);
          if (items.some((i) => i.status === 'error')) process.exitCode = 1;
          if (json) return printJson({ dream_id: dreamId, decision, by, items });
          const ok = items.filter((i) => i.status === 'ok').length;
          io.out(
            `${name}: ${ok} of ${items.length} selected change${items.length === 1 ? '' : 's'} of ${dreamId} (by ${by})\n`,
          );
          for (const i of items) io.out(`${itemLine(i)}\n`);
        });
      });
  decisionCommand('approve', 'approve changes');
  decisionCommand('reject', 'reject changes');
  decisionCommand('reset', 'return changes to pending (an edit is undone: the proposal comes back)');
}

/** `edit <change>`: replace a change's proposed content (approved as edited; the proposal is kept). */
function registerEditCommand(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  program
    .command('edit')
    .argument('<change>', 'change id')
    .option('--file <file>', 'the new content, from this file ("-" reads stdin)')
    .option('--content <text>', 'the new content, inline')
    .option('--comment <text>', 'a comment recorded with the edit')
    .addOption(byOption())
    .option('--json', 'print JSON')
    .description(
      "replace a change's proposed content with yours (approves it as edited; the proposal is kept)",
    )
    .action(async (changeId: string, o, cmd: Command) => {
      if ((o.file === undefined) === (o.content === undefined))
        throw new ValidationError('give the new content with exactly one of --file or --content', 'content');
      const content: string =
        o.file !== undefined ? readFileSync(o.file === '-' ? 0 : o.file, 'utf8') : o.content;
      await withReview(cmd, async (review, json) => {
        const c = await review.decide(changeId, {
          decision: 'edit',
          by: o.by ?? defaultReviewer(),
          comment: o.comment,
          content,
        });
        if (json) return printJson(c);
        io.out(
          `${c.id} ${c.status}: ${c.to_path ?? c.path} (${Buffer.byteLength(c.after ?? '', 'utf8')} bytes; the proposal is kept)\n`,
        );
      });
    });
}

/** `rebase <change>`: a conflicting change onto the current content of its path. */
function registerRebaseCommand(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  program
    .command('rebase')
    .argument('<change>', 'change id (in conflict)')
    .addOption(byOption())
    .option('--json', 'print JSON')
    .description(
      'rebase a conflicting update or delete onto the current content of its path (back to pending)',
    )
    .action(async (changeId: string, o, cmd: Command) => {
      await withReview(cmd, async (review, json) => {
        const c = await review.rebase(changeId, o.by ?? defaultReviewer());
        if (json) return printJson(c);
        io.out(
          `${c.id} rebased onto the current ${c.path}; it is pending again — review its new diff: reverie changes ${c.dream_id}\n`,
        );
      });
    });
}

/** `apply <dream>`: approved and edited changes into the input store, in one transaction. */
function registerApplyCommand(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  program
    .command('apply')
    .argument('<dream>', 'dream id')
    .option('--strict', 'all or nothing: write no change if any conflicts')
    .option(
      '--auto',
      'apply what the store policy allows (approving it as "policy") instead of what people approved',
    )
    .option('--only <change>', 'apply only this approved change (repeatable)', collect)
    .addOption(byOption())
    .option('--json', 'print JSON')
    .description(
      "write a dream's approved and edited changes into its input store, in one transaction; a change whose path moved on since the dream becomes a conflict (never overwritten). Exit status 1 if any change conflicted or failed.",
    )
    .action(async (dreamId: string, o, cmd: Command) => {
      await withReview(cmd, async (review, json) => {
        if (o.auto) {
          if (o.only || o.strict)
            throw new ValidationError('--auto cannot be combined with --only or --strict', 'auto');
          const r = await review.autoApply(dreamId);
          if (r.apply && (r.apply.conflicts > 0 || r.apply.errors > 0)) process.exitCode = 1;
          if (json) return printJson(r);
          return printAutoApply(io, r);
        }
        const r = await review.apply(dreamId, {
          by: o.by ?? defaultReviewer(),
          strict: o.strict,
          only: o.only,
        });
        if (r.conflicts > 0 || r.errors > 0) process.exitCode = 1;
        if (json) return printJson(r);
        printApply(io, r);
      });
    });
}

/** `policy <store>`: show or change a store's review policy. */
function registerPolicyCommand(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  program
    .command('policy')
    .argument('<store>', 'store id')
    .option('--protect <glob>', 'add a protected path glob no dream may touch (repeatable)', collect)
    .option('--unprotect <glob>', 'remove a protected path glob (repeatable)', collect)
    .option(
      '--auto-additions <n>',
      'auto-apply new memories backed by ≥ N sessions ("off" to hold them)',
      intOrOff,
    )
    .option('--auto-duplicates <on|off>', 'auto-apply merges of exact duplicates', onOff)
    .option('--auto-deletions <on|off>', 'allow deletions to be auto-applied (default off)', onOff)
    .option('--max-changes <n>', 'cap on changes per dream ("off" for none)', intOrOff)
    .option('--json', 'print JSON')
    .description(
      "show or change a store's review policy (automatic-apply classes, protected paths, change cap)",
    )
    .action(async (storeId: string, o, cmd: Command) => {
      await withReview(cmd, async (review, json) => {
        const cur = await review.getPolicy(storeId);
        const patch: PolicyPatch = {};
        const auto: NonNullable<PolicyPatch['auto_apply']> = {};
        if (o.autoAdditions !== undefined) auto.additions_min_support = offToNull(o.autoAdditions);
        if (o.autoDuplicates !== undefined) auto.exact_duplicates = o.autoDuplicates;
        if (o.autoDeletions !== undefined) auto.deletions = o.autoDeletions;
        if (Object.keys(auto).length) patch.auto_apply = auto;
        if (o.maxChanges !== undefined) patch.max_changes_per_dream = offToNull(o.maxChanges);
        if (o.protect || o.unprotect) {
          const drop = new Set<string>(o.unprotect ?? []);
          for (const g of drop)
            if (!cur.protected_paths.includes(g))
              throw new ValidationError(`${g} is not a protected glob of ${storeId}`, 'unprotect');
          patch.protected_paths = [...cur.protected_paths.filter((g) => !drop.has(g)), ...(o.protect ?? [])];
        }
        const changed = Object.keys(patch).length > 0;
        const p = changed ? await review.setPolicy(storeId, patch) : cur;
        if (json) return printJson({ memory_store_id: storeId, policy: p });
        io.out(`${changed ? 'Updated policy' : 'Policy'} of ${storeId}:\n`);
        io.out(`  auto-apply exact-duplicate merges: ${p.auto_apply.exact_duplicates ? 'on' : 'off'}\n`);
        io.out(
          `  auto-apply additions:              ${p.auto_apply.additions_min_support === null ? 'off' : `support ≥ ${p.auto_apply.additions_min_support} sessions`}\n`,
        );
        io.out(`  auto-apply deletions:              ${p.auto_apply.deletions ? 'on' : 'off'}\n`);
        io.out(
          `  protected paths:                   ${p.protected_paths.length ? p.protected_paths.join(', ') : 'none'}\n`,
        );
        io.out(`  max changes per dream:             ${p.max_changes_per_dream ?? 'no cap'}\n`);
      });
    });
}

/** `rollback <store> [point]`: restore a store or one path, written as new versions. */
function registerRollbackCommand(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  program
    .command('rollback')
    .argument('<store>', 'store id')
    .argument(
      '[point]',
      'where to go back to: a version id (memver_…), a dream id (drm_…: just before it), or an ISO-8601 time',
    )
    .option('--path <path>', 'only this memory path')
    // `--version` is the program's own flag (it prints reverie's version), hence `--to-version`.
    .option('--to-version <id>', 'restore the state right after this version (memver_…)')
    .option('--time <iso>', 'restore the state at this time (ISO-8601, e.g. 2026-03-01T10:00:00Z)')
    .option('--before-dream <id>', 'restore the state just before this dream first wrote to the store')
    .option('--dry-run', 'show what would be restored; write nothing')
    .addOption(byOption())
    .option('--json', 'print JSON')
    .description(
      'restore a store (or one path) to a version, a time, or the state before a dream, written as new versions (history is kept)',
    )
    .action(async (storeId: string, point: string | undefined, o, cmd: Command) => {
      const given = [point, o.toVersion, o.time, o.beforeDream].filter((x) => x !== undefined);
      if (given.length !== 1)
        throw new ValidationError(
          'give exactly one point to roll back to: a version id, a dream id or a time (or --to-version, --before-dream, --time)',
          'target',
        );
      let target: RollbackTarget;
      if (point !== undefined)
        target = point.startsWith('memver_')
          ? { version: point }
          : point.startsWith('drm_')
            ? { before_dream: point }
            : { time: point };
      else
        target =
          o.toVersion !== undefined
            ? { version: o.toVersion }
            : o.time !== undefined
              ? { time: o.time }
              : { before_dream: o.beforeDream };
      await withReview(cmd, async (review, json) => {
        const r: RollbackPlan | RollbackResult = o.dryRun
          ? await review.planRollback(storeId, target, { path: o.path })
          : await review.rollback(storeId, target, { by: o.by ?? defaultReviewer(), path: o.path });
        if (json) return printJson(r);
        const scope = r.path ?? `store ${storeId}`;
        if (r.steps.length === 0) return io.out(`${scope} already matches ${r.target}; nothing to do\n`);
        io.out(
          `${o.dryRun ? 'Would roll back' : 'Rolled back'} ${scope} to ${r.target}: ${r.steps.length} memor${r.steps.length === 1 ? 'y' : 'ies'}\n`,
        );
        for (const s of r.steps) {
          const what =
            s.action === 'create'
              ? 're-create'
              : s.action === 'delete'
                ? 'delete'
                : s.to_path
                  ? 'move back'
                  : 'restore';
          io.out(
            `  ${what.padEnd(10)} ${s.path}${s.to_path ? ` → ${s.to_path}` : ''}${s.from_version_id ? `  (from ${s.from_version_id})` : ''}\n`,
          );
        }
        if ('versions_written' in r && Array.isArray(r.versions_written))
          io.out(
            `${r.versions_written.length} new version${r.versions_written.length === 1 ? '' : 's'} written; see: reverie log ${storeId}\n`,
          );
      });
    });
}

/** `log <store> [path]`: the audit log of a store or one memory. */
function registerLogCommand(program: Command, ctx: CliContext, withReview: WithReview): void {
  const { io, printJson } = ctx;
  program
    .command('log')
    .argument('<store>', 'store id')
    .argument('[path]', 'only the history of this memory path (renames included)')
    .option('--dream <id>', 'only versions written through this dream')
    .option('--limit <n>', 'at most this many entries', positiveInt, 50)
    .option('--oldest-first', 'oldest entries first')
    .option('--json', 'print JSON')
    .description(
      'audit log: who or what changed each memory, when, through which dream and change, with the evidence',
    )
    .action(async (storeId: string, path: string | undefined, o, cmd: Command) => {
      await withReview(cmd, async (review, json) => {
        const page = await review.log(storeId, {
          path: path ?? null,
          dream_id: o.dream ?? null,
          limit: o.limit,
          ascending: o.oldestFirst,
        });
        if (json) return printJson(page);
        if (page.data.length === 0) return io.out('no versions\n');
        for (const e of page.data) {
          io.out(
            `${e.created_at}  ${e.operation.padEnd(8)} ${e.path ?? '(redacted)'}  — ${describeActor(e.created_by)}  [${e.version_id}]\n`,
          );
          if (e.change) {
            const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
            io.out(
              `  dream ${e.dream_id}, change ${e.change.id} (${e.change.kind} ${e.change.op}, support ${n(e.change.support.sessions, 'session')} / ${n(e.change.support.agents, 'agent')}${e.change.support.members ? ` from ${e.change.support.members.join(', ')}` : ''}); ${e.review ? describeReview(e.review) : 'not reviewed'}\n`,
            );
            io.out(`  why: ${e.change.reason}\n`);
          } else if (e.note) io.out(`  note: ${e.note}\n`);
          for (const ev of e.evidence.slice(0, 3))
            io.out(
              `  - ${ev.session_id}${ev.session_title ? ` (${ev.session_title.slice(0, 60)})` : ''} ${ev.seq_from === ev.seq_to ? `event ${ev.seq_from}` : `events ${ev.seq_from}–${ev.seq_to}`}: “${ev.quote.replace(/\s+/g, ' ').slice(0, 120)}”\n`,
            );
          if (e.evidence.length > 3) io.out(`  - and ${e.evidence.length - 3} more\n`);
        }
        if (page.next_page) io.out(`(more: --limit ${o.limit * 2})\n`);
      });
    });
}
