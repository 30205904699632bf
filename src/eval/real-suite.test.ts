/**
 * The `real` suite end to end on the shared data: asserts the report's shape and internal
 * consistency, not the engine's current scores (those are in docs/quality-report.md). The data rule of
 * test/data.ts applies: under CI=true a missing data folder fails the file.
 */
import { beforeAll, expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { allCorpusLabels } from './labels/schema.js';
import { formatReportMarkdown, formatReportTable } from './report.js';
import { type EvalReport, runEval } from './runner.js';

describeWithData('real suite: every labelled corpus dreamed and scored', () => {
  let r: EvalReport;
  beforeAll(async () => {
    r = await runEval('real', { dataDir: DATA });
  }, 120_000);

  it('reports each labelled corpus with its sessions and verdict counts that add up', () => {
    const corpora = r.real!.corpora;
    expect(corpora.map((c) => c.corpus)).toEqual(allCorpusLabels().map((l) => l.corpus));
    expect(corpora.map((c) => c.sessions).slice(0, 2)).toEqual([100, 100]);
    expect(corpora[2]!.sessions).toBeGreaterThanOrEqual(12);
    // A format without an importer yet imports nothing and fails its check instead of the whole suite.
    for (const c of corpora.filter((x) => x.sessions === 0))
      expect(r.targets.find((t) => t.metric === `${c.corpus} sessions imported`)!.pass).toBe(false);
    for (const c of corpora) {
      expect(c.correct + c.wrong + c.noise + c.unlabelled).toBe(c.proposed);
      expect(c.proposals).toHaveLength(c.proposed);
      expect(c.precision).toBe(c.proposed === 0 ? null : c.correct / c.proposed);
      expect(c.found.length + c.missed.length).toBe(c.required);
      for (const p of c.proposals) {
        expect(p.path.startsWith('/')).toBe(true);
        expect(p.title.length).toBeGreaterThan(0);
        expect(p.verdict === 'unlabelled').toBe(p.label === null);
      }
    }
    const inBuckets = r.real!.calibration.reduce((a, b) => a + b.proposals, 0);
    expect(inBuckets).toBe(corpora.reduce((a, c) => a + c.proposed, 0));
  });

  it('checks precision and recall per corpus and the top confidence bucket', () => {
    const metrics = r.targets.map((t) => t.metric);
    for (const c of r.real!.corpora) expect(metrics).toContain(`${c.corpus} precision`);
    expect(metrics).toContain('claude-code recall');
    expect(metrics).not.toContain('codex recall'); // nothing to recall: no pattern is established there
    expect(r.targets.find((t) => t.metric === 'claude-code recall')!.target).toBe(0.7);
    expect(metrics).toContain('fraction correct at confidence ≥ 0.9');
  });

  it('lists every memory that is not correct, by path, in the table; docs hide test-only data', () => {
    const table = formatReportTable(r);
    for (const c of r.real!.corpora)
      for (const p of c.proposals.filter((x) => x.verdict !== 'correct')) expect(table).toContain(p.path);
    expect(table).toContain('reliability (all corpora):');
    const md = formatReportMarkdown(r);
    expect(md.startsWith('## Real corpora')).toBe(true);
    const swe = r.real!.corpora.find((c) => c.corpus === 'swe-django-100')!;
    for (const p of swe.proposals) expect(md).not.toContain(p.path);
  });
});
