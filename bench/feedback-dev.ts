/**
 * `npm run bench:feedback-dev` — how the offline engine reads a person's replies in the feedback dev set
 * (`bench/feedback-dev/`): replies to a coding agent that just did something, written by an engineer who
 * never saw the engine, each marked `P` (lasting feedback: a rule or a correction, memory) or `N` (a
 * one-off instruction, a question, praise, a status report: not memory).
 *
 * Each reply is read in a session of five events: the person's task, the agent's tool call and its
 * result from the reply's situation (`situations.json`), the agent's message, then the reply. A `P` reply
 * is found when gather keeps a feedback rule or correction, or a preference statement, from it; an `N`
 * reply is a false positive when it does.
 *
 * This is dev data: rules may be written against it. The figures that count come from rounds scored
 * before anyone tuned on them (say which, when reporting).
 *
 * Usage: node dist/bench/feedback-dev.js [--dir DIR] [--feedback-only] [--list] [--json]
 *   --dir   folder with `situations.json` and `round*.txt` (default: bench/feedback-dev)
 *   --feedback-only  count only feedback rules and corrections, not preference statements (a preference
 *           needs two sessions, so from one reply only feedback reaches memory)
 *   --list  also print every missed `P` and every flagged `N`, with what was kept
 *   --json  one JSON object: per round, the counts and the ids missed / flagged
 * Errors: a round file with a block that is not `=== P|N <id> <situation>` followed by text, or a
 * situation id not in `situations.json`, stops the run with the file and line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionEvent } from '../src/domain/index.js';
import { gatherSession } from '../src/dream/offline/gather.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const argv = process.argv.slice(2);
const dirAt = argv.indexOf('--dir');
const dir = resolve(dirAt >= 0 ? argv[dirAt + 1]! : join(repo, 'bench/feedback-dev'));
const feedbackOnly = argv.includes('--feedback-only');

/** What the agent just did before the reply: its message and one tool call with its result. */
interface Situation {
  id: string;
  agent: string;
  tool: string;
  input: Record<string, string>;
  result: string;
}

/** One reply of a round file. */
interface Reply {
  label: 'P' | 'N';
  id: string;
  situation: string;
  text: string;
}

/** The replies of one round file; throws naming the file and line of a malformed block. */
function parseRound(file: string, situations: ReadonlyMap<string, Situation>): Reply[] {
  const out: Reply[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  let cur: (Reply & { line: number }) | null = null;
  const close = () => {
    if (!cur) return;
    cur.text = cur.text.trim();
    if (!cur.text) throw new Error(`${file}:${cur.line}: reply ${cur.id} has no text`);
    out.push({ label: cur.label, id: cur.id, situation: cur.situation, text: cur.text });
  };
  lines.forEach((line, i) => {
    if (line.startsWith('===')) {
      close();
      const m = /^=== ([PN]) (\S+) (S\d+)\s*$/.exec(line);
      if (!m) throw new Error(`${file}:${i + 1}: expected "=== P|N <id> S<nn>", got ${JSON.stringify(line)}`);
      if (!situations.has(m[3]!)) throw new Error(`${file}:${i + 1}: unknown situation ${m[3]}`);
      cur = { label: m[1] as 'P' | 'N', id: m[2]!, situation: m[3]!, text: '', line: i + 1 };
    } else if (cur) cur.text += `${line}\n`;
    else if (line.trim()) throw new Error(`${file}:${i + 1}: text before the first "===" block`);
  });
  close();
  return out;
}

/** The five events a reply is read in (see the module comment). */
function sessionOf(s: Situation, reply: string): SessionEvent[] {
  let seq = 0;
  const at = () => ({ seq: seq++, timestamp: null, source: { file: 'feedback-dev' } });
  return [
    { type: 'user.message', text: 'The billing tests fail on main. Please fix them.', ...at() },
    {
      type: 'agent.tool_use',
      tool: s.tool,
      kind: s.tool === 'Bash' ? 'shell' : 'edit',
      input: s.input,
      call_id: 'c1',
      ...at(),
    },
    { type: 'agent.tool_result', call_id: 'c1', tool: s.tool, content: s.result, is_error: false, ...at() },
    { type: 'agent.message', text: s.agent, ...at() },
    { type: 'user.message', text: reply, ...at() },
  ] as SessionEvent[];
}

/**
 * What gather keeps from the reply (the last event): feedback rules and corrections, and preference
 * statements unless `--feedback-only`.
 */
function kept(events: readonly SessionEvent[]): string[] {
  const last = events.length - 1;
  const d = gatherSession(events);
  return [
    ...d.feedback.filter((f) => f.cue !== 'follows' && f.seq === last).map((f) => `[${f.cue}] ${f.text}`),
    ...(feedbackOnly ? [] : d.statements.filter((s) => s.seq === last).map((s) => `[preference] ${s.text}`)),
  ];
}

const situations = new Map(
  (JSON.parse(readFileSync(join(dir, 'situations.json'), 'utf8')) as Situation[]).map((s) => [s.id, s]),
);
const rounds = readdirSync(dir)
  .filter((f) => /^round\d+\.txt$/.test(f))
  .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
const report = rounds.map((f) => {
  const replies = parseRound(join(dir, f), situations);
  const judged = replies.map((r) => ({ r, kept: kept(sessionOf(situations.get(r.situation)!, r.text)) }));
  const pos = judged.filter((j) => j.r.label === 'P');
  const neg = judged.filter((j) => j.r.label === 'N');
  return {
    round: f.replace(/\.txt$/, ''),
    found: pos.filter((j) => j.kept.length > 0).length,
    positives: pos.length,
    flagged: neg.filter((j) => j.kept.length > 0).length,
    negatives: neg.length,
    missed: pos.filter((j) => j.kept.length === 0),
    falsePositives: neg.filter((j) => j.kept.length > 0),
  };
});

if (argv.includes('--json')) {
  const slim = report.map(({ missed, falsePositives, ...r }) => ({
    ...r,
    missed: missed.map((j) => j.r.id),
    flagged_ids: falsePositives.map((j) => j.r.id),
  }));
  console.log(JSON.stringify({ dir, rounds: slim }, null, 2));
} else {
  console.log(`feedback dev set: ${dir}`);
  console.log('round      found (P)    flagged (N)');
  for (const r of report)
    console.log(
      `${r.round.padEnd(10)} ${`${r.found}/${r.positives}`.padEnd(12)} ${r.flagged}/${r.negatives}`,
    );
  const sum = (k: 'found' | 'positives' | 'flagged' | 'negatives') => report.reduce((a, r) => a + r[k], 0);
  console.log(
    `${'all'.padEnd(10)} ${`${sum('found')}/${sum('positives')}`.padEnd(12)} ${sum('flagged')}/${sum('negatives')}`,
  );
  if (argv.includes('--list'))
    for (const r of report) {
      for (const j of r.missed)
        console.log(`MISS ${j.r.id} ${j.r.situation}: ${j.r.text.replace(/\n/g, ' ⏎ ')}`);
      for (const j of r.falsePositives)
        console.log(
          `FP   ${j.r.id} ${j.r.situation}: ${j.r.text.replace(/\n/g, ' ⏎ ')}\n     kept: ${j.kept.join(' | ')}`,
        );
    }
}
