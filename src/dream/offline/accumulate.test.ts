/**
 * Support and evidence accumulate across dreams (issue 8): two successive dreams over the two halves of
 * the real τ-bench sessions (trial 0, then trial 1 with the first dream's output as the store) end with
 * the support one dream over all sessions finds, not the second half's alone.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../../test/data.js';
import { sha256Hex } from '../../domain/index.js';
import { allCorpusLabels } from '../../eval/labels/schema.js';
import { scoreRealCorpus } from '../../eval/scorers/real.js';
import type { ImportedSession } from '../../ingest/types.js';
import { createOfflineEngine } from '../index.js';
import { importAll, refsFromImported } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult, type InputMemory } from '../types.js';
import { ACCUMULATED_PREFIX, MAX_EVIDENCE_LINES } from './accumulate.js';
import { parseFrontMatter } from './front-matter.js';

const engine = createOfflineEngine();
const PAYMENT = '/mistakes/book-reservation-payment-amount-does-not-add-up.md';

const dream = (sessions: ImportedSession[], memories: InputMemory[] = []) =>
  engine.run({ memories, sessions: refsFromImported(sessions), options: DEFAULT_DREAM_OPTIONS });
const asStore = (r: DreamResult): InputMemory[] =>
  r.files.map((f) => ({
    path: f.path,
    content: f.content,
    content_sha256: sha256Hex(f.content),
    updated_at: '2026-02-01T00:00:00.000Z',
  }));
const file = (r: DreamResult, path: string) => r.files.find((f) => f.path === path)?.content ?? '';
const supportOfFile = (content: string) => parseFrontMatter(content).fields.support;
const evidenceSessions = (content: string) =>
  content
    .slice(content.indexOf('## Evidence'))
    .split('\n')
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2).split(' ')[0]);

describeWithData('support accumulates across two dreams over the τ-bench halves', () => {
  let all: DreamResult;
  let first: DreamResult;
  let second: DreamResult;
  let firstHalf: ImportedSession[];
  let secondHalf: ImportedSession[];
  beforeAll(async () => {
    const sessions = await importAll([TAU]);
    firstHalf = sessions.filter((s) => s.external_id.endsWith(':trial-0'));
    secondHalf = sessions.filter((s) => s.external_id.endsWith(':trial-1'));
    all = await dream(sessions);
    first = await dream(firstHalf);
    second = await dream(secondHalf, asStore(first));
  }, 60_000);

  it('the second dream adds its sessions to the first one’s: the support of one dream over all', async () => {
    expect(firstHalf).toHaveLength(50);
    const before = parseFrontMatter(file(first, PAYMENT)).fields;
    const after = parseFrontMatter(file(second, PAYMENT)).fields;
    expect(before.support).toBe('{sessions: 2, agents: 1}');
    // alone, the second half shows the error in 4 sessions; added to the first dream's 2: 6, as over all
    const alone = await dream(secondHalf);
    expect(supportOfFile(file(alone, PAYMENT))).toBe('{sessions: 4, agents: 1}');
    expect(after.support).toBe('{sessions: 6, agents: 1}');
    expect(after.support).toBe(supportOfFile(file(all, PAYMENT)));
    expect(after.support_sessions).toBe(parseFrontMatter(file(all, PAYMENT)).fields.support_sessions);
    const change = second.changes.find((c) => c.path === PAYMENT)!;
    expect(change.op).toBe('update');
    expect(change.support).toEqual({ sessions: 6, agents: 1 });
    expect(change.reason).toContain(
      'Support accumulated across dreams: 6 sessions (4 in this dream, 2 only in earlier ones).',
    );
  });

  it('a fix the first half established is not lost because the second half alone shows none', async () => {
    // the second half's recoveries were all in failed sessions: alone it states no fix
    expect(parseFrontMatter(file(await dream(secondHalf), PAYMENT)).fields.summary).toMatch(
      /^4 sessions; no reliable fix seen; /,
    );
    const after = parseFrontMatter(file(second, PAYMENT)).fields;
    expect(after.summary).toMatch(/^6 sessions; fix: change payment_methods\[\]\.amount/);
    expect(file(second, PAYMENT)).toContain(
      `${ACCUMULATED_PREFIX} 6 sessions in all: 4 sessions of this dream add to the error's support, and the fix above is the one the 2 sessions of earlier dreams established.`,
    );
    // judged on the τ-bench labels, as the one dream over all sessions is: the established lesson
    const labels = allCorpusLabels().find((l) => l.corpus === 'tau-airline')!;
    const judged = (r: DreamResult) =>
      scoreRealCorpus(labels, r.changes).proposals.find((p) => p.path === PAYMENT)?.verdict;
    expect(judged(second)).toBe('correct');
    expect(judged(all)).toBe('correct');
  });

  it('otherwise the text is the new dream’s, and a line says how the support adds up', () => {
    const seats = '/mistakes/update-reservation-flights-not-enough-seats-on.md';
    // trial 0: two flight changes and one booking (the same error of another tool of the backend)
    expect(supportOfFile(file(first, seats))).toBe('{sessions: 3, agents: 1}');
    expect(supportOfFile(file(second, seats))).toBe(supportOfFile(file(all, seats)));
    expect(file(second, seats)).toContain(
      `${ACCUMULATED_PREFIX} 5 sessions in all: 2 sessions of this dream, 3 more from earlier dreams (the text above describes this dream's 2 sessions).`,
    );
  });

  it('evidence is merged: the sessions of both dreams stay cited, the added ones once each', async () => {
    const earlier = new Set(evidenceSessions(file(first, PAYMENT)));
    const alone = evidenceSessions(file(await dream(secondHalf), PAYMENT));
    const merged = evidenceSessions(file(second, PAYMENT));
    expect(merged.length).toBeLessThanOrEqual(MAX_EVIDENCE_LINES);
    for (const s of [...earlier, ...alone]) expect(merged).toContain(s);
    const added = merged.filter((s) => !earlier.has(s));
    expect(added.length).toBeGreaterThan(0);
    expect(new Set(added).size).toBe(added.length);
  });

  it('dreaming the same sessions again counts nothing twice', async () => {
    const again = await dream(secondHalf, asStore(second));
    expect(supportOfFile(file(again, PAYMENT))).toBe('{sessions: 6, agents: 1}');
    expect(again.changes.some((c) => c.path === PAYMENT)).toBe(false);
  });
});
