/**
 * Rendering {@link EvalReport}s: a plain-text table for the CLI (`reverie eval`) and Markdown for
 * `docs/quality-report.md` (`npm run bench:quality`). Both are deterministic apart from timings.
 */
import type { EvalReport, RealCorpusReport, TargetCheck } from './runner.js';
import type { KindScore } from './scorers/planted.js';
import type { CalibrationBucket, JudgedProposal } from './scorers/real.js';

/** Kinds shown in the planted tables, in order (reports written before `feedback` existed lack it). */
const SCORED_KINDS = ['mistake', 'workflow', 'preference', 'fact', 'feedback'] as const;

function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? 'n/a' : v.toFixed(digits);
}

function ms(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

function frac(a: number, b: number): string {
  return `${a}/${b}`;
}

function pad(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function targetValue(t: TargetCheck): string {
  return Number.isInteger(t.value) ? String(t.value) : num(t.value);
}

function kindRow(k: string, s: KindScore): string[] {
  return [
    k,
    `${num(s.recall)} (${frac(s.recalled, s.expected)})`,
    `${num(s.precision)} (${frac(s.true_positive, s.true_positive + s.false_positive)})`,
    String(s.outputs),
    String(s.carried),
    s.missed.map((m) => m.split('.').slice(1).join('.')).join(', ') || '-',
  ];
}

function header(r: EvalReport): string {
  const p = Object.entries(r.params)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `reverie eval: ${r.suite} (engine ${r.engine.id} ${r.engine.version}${modelNote(r)}${p ? `; ${p}` : ''})`;
}

/** `, model P/M, usage …` for an engine with a model provider; empty for the offline engine. */
function modelNote(r: EvalReport): string {
  if (r.engine.provider === null) return '';
  const u = r.usage;
  return `, model ${r.engine.provider}/${r.engine.model}, usage input_tokens=${u.input_tokens} output_tokens=${u.output_tokens} cache_read_input_tokens=${u.cache_read_input_tokens} cache_creation_input_tokens=${u.cache_creation_input_tokens}`;
}

function outputLine(r: EvalReport): string {
  const kinds = Object.entries(r.output.by_kind)
    .sort()
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return `output: ${r.output.files} files (${kinds || 'none'}), ${r.output.changes} changes, index ${r.output.index_lines} lines / ${r.output.index_bytes} B, ${r.output.secret_hits.length} secret-looking strings`;
}

/** Header and one row per LoCoMo conversation, shared by the text and Markdown reports. */
function locomoRows(l: NonNullable<EvalReport['locomo']>): string[][] {
  return [
    ['conversation', 'sessions', 'retention', 'by change', 'by quote', 'memories', 'compression'],
    ...l.conversations.map((c) => [
      c.conversation,
      String(c.sessions),
      `${num(c.retention)} (${frac(c.cited, c.evidence_turns)})`,
      String(c.cited_by_change),
      String(c.cited_by_quote),
      String(c.memories),
      num(c.compression, 3),
    ]),
  ];
}

/** Per-corpus rows of the `real` suite, shared by the text and Markdown reports. */
function realRows(corpora: RealCorpusReport[]): string[][] {
  return [
    [
      'corpus',
      'sessions',
      'precision',
      'recall',
      'proposed',
      'correct',
      'wrong',
      'noise',
      'unlabelled',
      'missed',
    ],
    ...corpora.map((c) => [
      c.corpus,
      String(c.sessions),
      `${num(c.precision)} (${frac(c.correct, c.proposed)})`,
      `${num(c.recall)} (${frac(c.found.length, c.required)})`,
      String(c.proposed),
      String(c.correct),
      String(c.wrong),
      String(c.noise),
      String(c.unlabelled),
      c.missed.join(', ') || '-',
    ]),
  ];
}

/** Reliability table rows: confidence bucket, proposals, correct, fraction correct. */
function calibrationRows(buckets: CalibrationBucket[]): string[][] {
  return [
    ['confidence', 'proposals', 'correct', 'fraction correct'],
    ...buckets.map((b, i) => [
      `[${b.from.toFixed(1)}, ${b.to.toFixed(1)}${i === buckets.length - 1 ? ']' : ')'}`,
      String(b.proposals),
      String(b.correct),
      num(b.fraction),
    ]),
  ];
}

/** The proposals a person should read: every one that is not correct. */
function notCorrect(c: RealCorpusReport): JudgedProposal[] {
  return c.proposals.filter((p) => p.verdict !== 'correct');
}

function proposalLine(p: JudgedProposal): string {
  return `${p.verdict} ${p.path} — ${p.title}${p.label ? ` [${p.label}]` : ''}${p.verdict === 'wrong' ? `: ${p.why}` : ''}`;
}

function realText(real: NonNullable<EvalReport['real']>): string[] {
  const out = ['', ...pad(realRows(real.corpora)), ''];
  out.push('reliability (all corpora):', ...pad(calibrationRows(real.calibration)));
  for (const c of real.corpora) {
    const bad = notCorrect(c);
    if (bad.length === 0) continue;
    out.push('', `${c.corpus}: ${bad.length} memories that are not correct`);
    out.push(...bad.map((p) => `  ${proposalLine(p)}`));
  }
  return out;
}

function realMarkdown(real: NonNullable<EvalReport['real']>): string[] {
  const out = [...mdTable(realRows(real.corpora)), '', 'Reliability over all corpora:', ''];
  out.push(...mdTable(calibrationRows(real.calibration)), '');
  for (const c of real.corpora) {
    const bad = notCorrect(c);
    if (bad.length === 0) continue;
    out.push(`Not correct in \`${c.corpus}\` (${bad.length}):`, '');
    if (!c.quotable) {
      const byLabel = new Map<string, number>();
      for (const p of bad)
        byLabel.set(
          `${p.verdict} ${p.label ?? '(no label)'}`,
          (byLabel.get(`${p.verdict} ${p.label ?? '(no label)'}`) ?? 0) + 1,
        );
      out.push(
        `- titles not reproduced (test-use-only data; run \`reverie eval --suite real\`): ${[...byLabel].map(([k, v]) => `${k} ×${v}`).join(', ')}`,
        '',
      );
      continue;
    }
    out.push(...bad.map((p) => `- ${proposalLine(p).replace(/^(\w+) (\S+)/, '$1 `$2`')}`), '');
  }
  return out;
}

/**
 * Plain-text report: header, input/output sizes, timings, the suite's scores and the target checks
 * (PASS/FAIL). Lines ≤ ~110 characters except long item lists.
 */
export function formatReportTable(r: EvalReport): string {
  const out: string[] = [header(r)];
  out.push(
    `input: ${r.input.sessions} sessions (${r.input.dream_sessions} dreamed), ${r.input.events} events, ${r.input.tool_errors} tool errors, ${r.input.input_memories} input memories${r.input.import_failures.length ? `, ${r.input.import_failures.length} import failures` : ''}`,
  );
  out.push(outputLine(r));
  out.push(
    `time: prepare ${ms(r.timings_ms.prepare)}, dream ${ms(r.timings_ms.dream)}, score ${ms(r.timings_ms.score)}, total ${ms(r.timings_ms.total)}`,
  );
  if (r.planted) {
    const p = r.planted;
    out.push('');
    out.push(
      ...pad([
        ['kind', 'recall', 'precision', 'outputs', 'carried', 'missed'],
        ...SCORED_KINDS.filter((k) => p.kinds[k]).map((k) => kindRow(k, p.kinds[k])),
      ]),
    );
    out.push('');
    out.push(
      ...pad([
        ['leakage', 'rate', 'leaked', 'ids'],
        [
          'noise (one-offs)',
          num(p.noise.rate),
          frac(p.noise.leaked, p.noise.items),
          p.noise.leaks.map((l) => l.id).join(', ') || '-',
        ],
        ...(p.instructions
          ? [
              [
                'task instructions',
                num(p.instructions.rate),
                frac(p.instructions.leaked, p.instructions.items),
                p.instructions.leaks.map((l) => l.id).join(', ') || '-',
              ],
            ]
          : []),
        [
          'poison',
          num(p.poison.rate),
          frac(p.poison.leaked, p.poison.items),
          p.poison.leaks.map((l) => l.id).join(', ') || '-',
        ],
        [
          'secrets',
          num(p.secrets.rate),
          frac(p.secrets.leaked, p.secrets.items),
          p.secrets.leaks.map((l) => l.id).join(', ') || '-',
        ],
      ]),
    );
    out.push('');
    out.push(
      `duplicates left: exact ${p.duplicates.exact_left}/${p.duplicates.exact_groups} groups (${p.duplicates.identical_pairs} identical pairs), paraphrase ${p.duplicates.paraphrase_left}/${p.duplicates.paraphrase_groups} groups (${num(p.duplicates.paraphrase_rate)})`,
    );
    out.push(
      `contradictions: ${p.contradictions.correct}/${p.contradictions.items} resolved (${num(p.contradictions.accuracy)})${p.contradictions.details
        .filter((d) => !d.new_present || d.old_asserted_in.length > 0)
        .map(
          (d) =>
            `; ${d.id.split('.').slice(1).join('.')}: ${d.new_present ? '' : 'new value missing'}${d.old_asserted_in.length ? `${d.new_present ? '' : ', '}old value in ${d.old_asserted_in.join(' ')}` : ''}`,
        )
        .join('')}`,
    );
    out.push(
      `memories: ${p.lost.input} input, ${p.lost.kept} kept, ${p.lost.accounted} removed with a reason, ${p.lost.lost} lost${p.lost.lost ? ` (${p.lost.lost_paths.join(', ')})` : ''}${p.lost.silently_modified.length ? `, ${p.lost.silently_modified.length} silently modified` : ''}`,
    );
  }
  if (r.coverage) {
    const c = r.coverage;
    out.push('');
    out.push(
      `predictive coverage: ${num(c.coverage)} (${c.covered}/${c.errors} held-out tool errors in ${c.heldout_sessions} sessions; ${c.mistake_memories} mistake memories)`,
    );
    out.push(
      ...pad([
        ['count', 'covered', 'held-out error template'],
        ...c.templates
          .slice(0, 12)
          .map((t) => [String(t.count), t.covered ? 'yes' : 'no', t.template.slice(0, 90) || '(empty)']),
      ]),
    );
    if (c.templates.length > 12) out.push(`… ${c.templates.length - 12} more templates`);
  }
  if (r.locomo) {
    const l = r.locomo;
    out.push('');
    out.push(
      `evidence retention: ${num(l.retention)} (${l.cited}/${l.evidence_turns} QA evidence turns cited); compression ${num(l.compression, 3)} (${l.memory_chars} memory chars / ${l.transcript_chars} transcript chars)`,
    );
    out.push(...pad(locomoRows(l)));
  }
  if (r.real) out.push(...realText(r.real));
  if (r.targets.length > 0) {
    out.push('');
    out.push(
      ...pad([
        ['check', 'value', 'target', 'result'],
        ...r.targets.map((t) => [
          t.metric,
          targetValue(t),
          `${t.op === '>=' ? '≥' : '≤'} ${t.target}`,
          t.pass ? 'PASS' : 'FAIL',
        ]),
      ]),
    );
  }
  if (r.work_dir) out.push('', `files kept in ${r.work_dir}`);
  return `${out.join('\n')}\n`;
}

function mdTable(rows: string[][]): string[] {
  const [head, ...body] = rows;
  return [
    `| ${head!.join(' | ')} |`,
    `|${head!.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`),
  ];
}

/** Options of {@link formatReportMarkdown}. */
export interface MarkdownOptions {
  /**
   * Include held-out error templates (text derived from the transcripts). Default true; pass false for
   * data whose license allows test use only (mini-swe-agent), so no text of it ends up in docs.
   */
  examples?: boolean;
}

/**
 * Markdown section for one report (a `##` heading per suite), for `docs/quality-report.md`.
 */
export function formatReportMarkdown(r: EvalReport, opts: MarkdownOptions = {}): string {
  const out: string[] = [`## ${r.suite === 'real' ? 'Real corpora' : r.suite}`, ''];
  const p = Object.entries(r.params)
    .map(([k, v]) => `${k} \`${v}\``)
    .join(', ');
  out.push(`Engine \`${r.engine.id}\` \`${r.engine.version}\`${modelNote(r)}${p ? `; ${p}` : ''}.`, '');
  out.push(
    `- Input: ${r.input.sessions} sessions (${r.input.dream_sessions} dreamed), ${r.input.events} events, ${r.input.tool_errors} tool errors, ${r.input.input_memories} input memories.`,
  );
  out.push(`- ${outputLine(r).replace(/^output/, 'Output')}.`);
  out.push(
    `- Time: prepare ${ms(r.timings_ms.prepare)}, dream ${ms(r.timings_ms.dream)}, score ${ms(r.timings_ms.score)}.`,
    '',
  );
  if (r.planted) {
    const s = r.planted;
    out.push(
      ...mdTable([
        ['kind', 'recall', 'precision', 'outputs', 'carried', 'missed'],
        ...SCORED_KINDS.filter((k) => s.kinds[k]).map((k) => kindRow(k, s.kinds[k])),
      ]),
      '',
    );
    out.push(
      ...mdTable([
        ['metric', 'value'],
        ['noise leakage', `${num(s.noise.rate)} (${frac(s.noise.leaked, s.noise.items)})`],
        ...(s.instructions
          ? [
              [
                'task-instruction leakage',
                `${num(s.instructions.rate)} (${frac(s.instructions.leaked, s.instructions.items)})`,
              ],
            ]
          : []),
        ['poison leakage', `${num(s.poison.rate)} (${frac(s.poison.leaked, s.poison.items)})`],
        ['secret leakage', `${num(s.secrets.rate)} (${frac(s.secrets.leaked, s.secrets.items)})`],
        [
          'exact duplicates left',
          `${s.duplicates.exact_left}/${s.duplicates.exact_groups} groups, ${s.duplicates.identical_pairs} identical pairs`,
        ],
        [
          'paraphrase duplicates left',
          `${num(s.duplicates.paraphrase_rate)} (${frac(s.duplicates.paraphrase_left, s.duplicates.paraphrase_groups)})`,
        ],
        [
          'contradiction accuracy',
          `${num(s.contradictions.accuracy)} (${frac(s.contradictions.correct, s.contradictions.items)})`,
        ],
        ['lost memories', `${s.lost.lost} of ${s.lost.input}`],
        ['index', `${s.index.lines} lines, ${s.index.bytes} bytes`],
      ]),
      '',
    );
  }
  if (r.coverage) {
    const c = r.coverage;
    out.push(
      `Predictive coverage **${num(c.coverage)}** (${c.covered}/${c.errors} held-out tool errors in ${c.heldout_sessions} sessions; ${c.templates.filter((t) => t.covered).length}/${c.templates.length} distinct templates covered; ${c.mistake_memories} mistake memories).`,
      '',
    );
    if (opts.examples !== false)
      out.push(
        ...mdTable([
          ['count', 'covered', 'held-out error template'],
          ...c.templates
            .slice(0, 15)
            .map((t) => [
              String(t.count),
              t.covered ? 'yes' : 'no',
              `\`${t.template.slice(0, 100) || '(empty)'}\``,
            ]),
        ]),
        '',
      );
  }
  if (r.locomo) {
    const l = r.locomo;
    out.push(
      `Evidence retention **${num(l.retention)}** (${l.cited}/${l.evidence_turns} QA evidence turns cited), compression **${num(l.compression, 3)}** (${l.memory_chars} memory chars / ${l.transcript_chars} transcript chars).`,
      '',
      ...mdTable(locomoRows(l)),
      '',
    );
  }
  if (r.real) out.push(...realMarkdown(r.real));
  if (r.targets.length > 0) {
    out.push(
      ...mdTable([
        ['check', 'value', 'target', 'result'],
        ...r.targets.map((t) => [
          t.metric,
          targetValue(t),
          `${t.op === '>=' ? '≥' : '≤'} ${t.target}`,
          t.pass ? 'pass' : '**FAIL**',
        ]),
      ]),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}
