import { beforeAll, describe, expect, it } from 'vitest';
import { DATA, describeWithData, TAU } from '../../test/data.js';
import { formatReportMarkdown, formatReportTable } from './report.js';
import { type EvalReport, parseTrialSplit, runEval, TARGETS } from './runner.js';

describe('parseTrialSplit (reverie eval --tau-split)', () => {
  it('reads trial lists and ranges on each side', () => {
    expect(parseTrialSplit('0-2:3')).toEqual({ dream: new Set([0, 1, 2]), heldout: new Set([3]) });
    expect(parseTrialSplit('0,1:2-3')).toEqual({ dream: new Set([0, 1]), heldout: new Set([2, 3]) });
  });
  it('rejects malformed splits, backwards ranges and a trial on both sides, naming the text', () => {
    expect(() => parseTrialSplit('0-2')).toThrow(/"0-2": expected DREAM:HELDOUT/);
    expect(() => parseTrialSplit('0:x')).toThrow(/"x" is not a trial or range/);
    expect(() => parseTrialSplit('3-1:4')).toThrow(/range 3-1 runs backwards/);
    expect(() => parseTrialSplit('0-2:2')).toThrow(/trial 2 is on both sides/);
  });
});

// The train half of the planted wordings: the half engine rules may be tuned on. The held-out test
// half is what `reverie eval` and docs/quality-report.md report (with these same targets).
describe('planted suite, 120 sessions, train phrasings, offline engine', () => {
  let r: EvalReport;
  beforeAll(async () => {
    r = await runEval('planted', { sessions: 120, seed: 4, phrasings: 'train' });
  });

  it('imports every generated session and runs deterministically', async () => {
    expect(r.input.sessions).toBe(120);
    expect(r.input.import_failures).toEqual([]);
    expect(r.input.input_memories).toBe(20);
    const again = await runEval('planted', { sessions: 120, seed: 4, phrasings: 'train' });
    expect(again.planted).toEqual(r.planted);
    expect(r.params.phrasings).toBe('train');
  });

  it('renders a table and Markdown with every check', () => {
    const table = formatReportTable(r);
    const md = formatReportMarkdown(r);
    for (const t of r.targets) {
      expect(table).toContain(t.metric);
      expect(md).toContain(t.metric);
    }
    expect(md.startsWith('## planted')).toBe(true);
  });

  // Targets (issue 4). Workflow recall is not asserted here: issue 8's precision-first rule (a workflow
  // only when its presence predicts success by Fisher's exact test) promotes none at 120 sessions, whose
  // 13 failed sessions cannot show significance; the report prints the figure against its target.
  for (const k of ['mistake', 'preference'] as const) {
    it(`${k} recall ≥ ${TARGETS.recall}`, () => {
      expect(
        r.planted!.kinds[k].recall,
        `missed: ${r.planted!.kinds[k].missed.join(', ')}`,
      ).toBeGreaterThanOrEqual(TARGETS.recall);
    });
  }
  for (const k of ['mistake', 'workflow', 'preference'] as const)
    it(`${k} precision ≥ ${TARGETS.precision} (vacuous when nothing of the kind was proposed)`, () => {
      expect(
        r.planted!.kinds[k].precision ?? 1,
        `false positives: ${r.planted!.kinds[k].false_positive_paths.join(', ')}`,
      ).toBeGreaterThanOrEqual(TARGETS.precision);
    });
  it('no one-off noise, poisoning or secret reaches the output', () => {
    expect(r.planted!.noise.leaks).toEqual([]);
    expect(r.planted!.poison.leaks).toEqual([]);
    expect(r.planted!.secrets.leaks).toEqual([]);
  });
  it('no exact duplicate is left', () => {
    expect(r.planted!.duplicates.exact_left).toBe(0);
    expect(r.planted!.duplicates.identical_pairs).toBe(0);
  });
  it(`at most ${TARGETS.paraphrase_duplicates * 100}% of paraphrase duplicate groups are left`, () => {
    expect(
      r.planted!.duplicates.paraphrase_rate,
      JSON.stringify(r.planted!.duplicates.left),
    ).toBeLessThanOrEqual(TARGETS.paraphrase_duplicates);
  });
  // Below the issue target (0.95, printed FAIL in the report): the escalation response time is not yet
  // superseded in place. This floor guards against further regression.
  it('contradiction accuracy ≥ 0.75 (floor; target 0.95 in the report)', () => {
    expect(
      r.planted!.contradictions.accuracy ?? 0,
      JSON.stringify(r.planted!.contradictions.details),
    ).toBeGreaterThanOrEqual(0.75);
  });
  it('no input memory is lost or silently modified', () => {
    expect(r.planted!.lost.lost_paths).toEqual([]);
    expect(r.planted!.lost.silently_modified).toEqual([]);
  });
  it('the index stays within its limits', () => {
    expect(r.planted!.index.present).toBe(true);
    expect(r.planted!.index.within_limits).toBe(true);
  });
});

describeWithData('real-data suites, offline engine', () => {
  // Below the issue-8 target (0.85, printed FAIL in the report) since issue 8's rules: a tool error becomes
  // a mistake only with min_support sessions in trial 0 alone. This floor guards against further regression.
  it('τ-bench: predictive coverage of trial 1 from trial 0 ≥ 0.5 (floor; target in the report)', async () => {
    const r = await runEval('tau', { dataDir: DATA });
    expect(r.input.dream_sessions).toBe(50);
    expect(r.coverage!.errors).toBeGreaterThan(0);
    expect(r.output.secret_hits).toEqual([]);
    expect(r.coverage!.coverage, JSON.stringify(r.coverage!.templates)).toBeGreaterThanOrEqual(0.5);
  });

  it(`τ-bench: the printed coverage target is issue 8's ${TARGETS.tau_coverage}`, async () => {
    expect(TARGETS.tau_coverage).toBe(0.85);
    const r = await runEval('tau', { dataDir: DATA });
    const target = r.targets.find((t) => t.metric === 'τ-bench predictive coverage');
    expect(target?.target).toBe(0.85);
    expect(target?.pass).toBe((r.coverage!.coverage ?? 0) >= 0.85);
  });

  it('τ-bench: other files and trial splits (--tau-file, --tau-split) choose what is dreamed and held out', async () => {
    const r = await runEval('tau', { tauFiles: [TAU], tauSplit: '1:0' });
    expect(r.params).toMatchObject({ file: TAU, dream: 'trial 1', heldout: 'trial 0' });
    expect(r.input.dream_sessions).toBe(50);
    expect(r.input.sessions).toBe(100);
    expect(r.coverage!.heldout_sessions).toBe(50);
    expect(r.coverage!.errors).toBeGreaterThan(0);
    // trials in neither list are left out; a split with nothing held out is an error, not a vacuous score
    const one = await runEval('tau', { tauFiles: [TAU], tauSplit: '0:1-9' });
    expect(one.input.sessions).toBe(100);
    await expect(runEval('tau', { tauFiles: [TAU], tauSplit: '0:5' })).rejects.toThrow(
      /leaves 50 sessions to dream and 0 held out/,
    );
    await expect(runEval('tau', { tauFiles: [`${TAU}.missing`] })).rejects.toThrow(/missing not found/);
  });

  it('mini-swe-agent: runs, measures coverage and leaks no secret-looking string', async () => {
    const r = await runEval('swe', { dataDir: DATA });
    expect(r.input.sessions).toBe(100);
    expect(r.coverage!.errors).toBeGreaterThan(0);
    expect(r.coverage!.coverage).not.toBeNull();
    expect(r.output.secret_hits).toEqual([]);
  });

  it('LoCoMo: measures evidence retention and compression per conversation', async () => {
    const r = await runEval('locomo', { dataDir: DATA });
    expect(r.locomo!.conversations.length).toBe(6);
    expect(r.locomo!.evidence_turns).toBeGreaterThan(0);
    expect(r.locomo!.retention).not.toBeNull();
    expect(r.locomo!.compression).toBeGreaterThanOrEqual(0);
    expect(r.output.secret_hits).toEqual([]);
  });
});
