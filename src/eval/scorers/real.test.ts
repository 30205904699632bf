import { describe, expect, it } from 'vitest';
import type { ProposedChange } from '../../dream/types.js';
import { allCorpusLabels, type CorpusLabels } from '../labels/schema.js';
import { calibrationTable, judgeProposal, proposalsFromChanges, scoreRealCorpus } from './real.js';

const [tau, swe, cc] = allCorpusLabels() as [CorpusLabels, CorpusLabels, CorpusLabels];

function change(path: string, kind: ProposedChange['kind'], after: string, confidence = 0.8): ProposedChange {
  return {
    op: 'create',
    path,
    to_path: null,
    before: null,
    after,
    base_sha256: null,
    kind,
    reason: 'test',
    confidence,
    support: { sessions: 2, agents: 1 },
    evidence: [
      { session_id: 'sesn_A', seq_from: 1, seq_to: 2, quote: 'q' },
      { session_id: 'sesn_B', seq_from: 3, seq_to: 4, quote: 'q' },
    ],
  };
}

const payment = (fix: string) =>
  `---\nkind: mistake\n---\n# book_reservation: payment amount does not add up\n\nError: payment amount does not add up, total price is <N>, but paid <N>\n\n${fix}\n`;

describe('real-corpus scorer on hand-made proposals (τ-bench and django labels)', () => {
  it('a mistake with the established fix is correct', () => {
    const [p] = proposalsFromChanges([
      change(
        '/mistakes/pay.md',
        'mistake',
        payment('Fix: set payment_methods[].amount so they sum to the total.'),
      ),
    ]);
    const j = judgeProposal(p!, tau);
    expect([j.verdict, j.label, j.title, p!.sessions]).toEqual([
      'correct',
      'tau.payment-amount-mismatch',
      'book_reservation: payment amount does not add up',
      2,
    ]);
  });

  it('the same error with another fix, or claiming no fix where one is established, is wrong', () => {
    const other = judgeProposal(
      proposalsFromChanges([change('/m.md', 'mistake', payment('Fix: retry the same call.'))])[0]!,
      tau,
    );
    expect([other.verdict, other.label]).toEqual(['wrong', 'tau.payment-amount-mismatch']);
    const none = judgeProposal(
      proposalsFromChanges([change('/m.md', 'mistake', payment('No reliable fix was seen.'))])[0]!,
      tau,
    );
    expect(none.why).toMatch(/one is established/);
  });

  it('an error message that itself names the remedy does not count as the stated fix', () => {
    const body =
      '# bash: ImproperlyConfigured\n\nRequested setting X, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.\n\nThe successful command: `cat <<EOF > x.py`';
    const wrong = judgeProposal(proposalsFromChanges([change('/m.md', 'mistake', body)])[0]!, swe);
    expect([wrong.verdict, wrong.label]).toEqual(['wrong', 'swe.settings-not-configured']);
    const right = judgeProposal(
      proposalsFromChanges([
        change('/m.md', 'mistake', `${body}\nFix: call settings.configure(...) first.`),
      ])[0]!,
      swe,
    );
    expect(right.verdict).toBe('correct');
  });

  it('where the data establishes no fix, only "no reliable fix" is correct', () => {
    const seats = (tail: string) =>
      `# update_reservation_flights: not enough seats on flight <ID>\n\n${tail}`;
    const [a, b] = proposalsFromChanges([
      change('/a.md', 'mistake', seats('No reliable fix was seen in 5 sessions.')),
      change('/b.md', 'mistake', seats('Fix: change flights[].flight_number.')),
    ]);
    expect(judgeProposal(a!, tau).verdict).toBe('correct');
    expect(judgeProposal(b!, tau).verdict).toBe('wrong');
  });

  it('known noise is noise: a lookup workflow, a simulated customer answer, a grep that found nothing', () => {
    const [w, pref, grep] = proposalsFromChanges([
      change('/workflows/w.md', 'workflow', '# Workflow: get_user_details → get_reservation_details'),
      change('/preferences/p.md', 'preference', '# No travel insurance\n\nThe user does not want insurance.'),
      change('/mistakes/g.md', 'mistake', '# bash: grep exited non-zero with no output'),
    ]);
    expect(judgeProposal(w!, tau)).toMatchObject({ verdict: 'noise', label: 'tau.generic-lookups' });
    expect(judgeProposal(pref!, tau)).toMatchObject({ verdict: 'noise', label: 'tau.simulated-customer' });
    expect(judgeProposal(grep!, swe)).toMatchObject({ verdict: 'noise', label: 'swe.search-found-nothing' });
  });

  it('a memory matching no label is unlabelled; index and cleanup changes are not proposals', () => {
    const props = proposalsFromChanges([
      change('/mistakes/x.md', 'mistake', '# update_reservation_baggages: bag count rejected'),
      change('/MEMORY.md', 'index', '- [x](/mistakes/x.md)'),
      change('/old.md', 'cleanup', 'merged'),
    ]);
    expect(props.map((p) => p.path)).toEqual(['/mistakes/x.md']);
    expect(judgeProposal(props[0]!, tau)).toMatchObject({ verdict: 'unlabelled', label: null });
  });

  it('a memory of the wrong kind for the label it matches is wrong; a front-matter kind is honoured', () => {
    const labels: CorpusLabels = { ...tau, noise: [] };
    const [fact, feedback] = proposalsFromChanges([
      change('/facts/f.md', 'fact', '# payment amount does not add up\n\nFix: make payment_methods sum up.'),
      change('/preferences/p.md', 'preference', '---\nkind: feedback\n---\n# Keep it simple'),
    ]);
    expect(judgeProposal(fact!, labels)).toMatchObject({
      verdict: 'wrong',
      why: 'kind fact, the label is a mistake',
    });
    expect(feedback!.kind).toBe('feedback');
  });

  it('scores precision, recall and a reliability table', () => {
    const s = scoreRealCorpus(tau, [
      change('/a.md', 'mistake', payment('Fix: the payment_methods amounts must sum to the total.'), 0.95),
      change('/b.md', 'mistake', payment('Fix: retry.'), 0.92),
      change('/c.md', 'workflow', '# Workflow: get_user_details → get_reservation_details', 0.6),
      change('/d.md', 'mistake', '# something else entirely', 0.3),
    ]);
    expect([s.proposed, s.correct, s.wrong, s.noise, s.unlabelled]).toEqual([4, 1, 1, 1, 1]);
    expect(s.precision).toBe(0.25);
    expect(s.found).toEqual(['tau.payment-amount-mismatch']);
    expect(s.recall).toBe(1 / s.required);
    expect(s.missed).toContain('tau.certificate-for-update');
    const top = s.calibration[s.calibration.length - 1]!;
    expect([top.from, top.to, top.proposals, top.correct, top.fraction]).toEqual([0.9, 1, 2, 1, 0.5]);
    expect(calibrationTable([]).every((b) => b.fraction === null)).toBe(true);
    expect(s.calibration.reduce((a, b) => a + b.proposals, 0)).toBe(4);
  });
});

describe('real-corpus scorer on hand-made Claude Code memories (issue 15 labels)', () => {
  const fb = (title: string, body: string) => `---\nkind: feedback\n---\n# ${title}\n\n${body}\n`;
  const judge = (title: string, body: string, kind: ProposedChange['kind'] = 'preference') =>
    judgeProposal(proposalsFromChanges([change('/feedback/x.md', kind, fb(title, body))])[0]!, cc);

  it("the developer's corrections, in other words than the transcript's, are correct feedback", () => {
    expect(
      judge(
        'Sync conversations incrementally',
        'Track the last synced message id and send only the delta. **Why:** performance is crucial.',
      ),
    ).toMatchObject({ verdict: 'correct', label: 'cc.sync-incrementally-performance' });
    expect(
      judge('Do not write separate design documents', 'Put new design material into the existing document.'),
    ).toMatchObject({ verdict: 'correct', label: 'cc.no-separate-documents' });
    expect(
      judge(
        'Keep it simple',
        'Check the existing implementation (metrics) before proposing; do not overcomplicate.',
      ),
    ).toMatchObject({ verdict: 'correct', label: 'cc.check-existing-dont-overcomplicate' });
    expect(
      judge(
        'Extend the session JSON backward-compatibly',
        'Add fields to the same file so old clients are not broken.',
      ),
    ).toMatchObject({ verdict: 'correct', label: 'cc.extend-json-backward-compatible' });
  });

  it('a project fact stated wrongly is wrong; a one-off task instruction is noise', () => {
    const p = proposalsFromChanges([
      change(
        '/facts/s.md',
        'fact',
        '# Session tracking file\n\nThe syncState lives in a JSONL file per session.',
      ),
    ])[0]!;
    expect(judgeProposal(p, cc)).toMatchObject({ verdict: 'wrong', label: 'cc.session-state-is-json' });
    expect(
      judge('Update the phase 4.1 document', 'The user asked to update the phase 4.1 document.'),
    ).toMatchObject({
      verdict: 'noise',
      label: 'cc.one-off-codemie-requests',
    });
    expect(judge('Read: File does not exist', 'fix: change file_path', 'mistake')).toMatchObject({
      verdict: 'noise',
    });
  });
});
