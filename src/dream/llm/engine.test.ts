/**
 * The LLM engine over the real τ-bench sessions with a scripted model (src/models' mock): lessons written,
 * noise dropped, the index rebuilt, nothing added by the model, redaction and guidance in what is sent,
 * fallback to the offline form, the budget and the dry run.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_CODE, describeWithData, TAU } from '../../../test/data.js';
import { sha256Hex } from '../../domain/index.js';
import {
  createMockModel,
  type GenerateObjectRequest,
  type MockResponse,
  ModelTruncatedError,
} from '../../models/index.js';
import { createOfflineEngine } from '../offline-engine.js';
import { asTopLevel, importAll, MemoryCache, refsFromImported } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamRequest, type DreamResult } from '../types.js';
import { candidatesOf, type LlmCandidate } from './candidates.js';
import { createLlmEngine, decisionsOf } from './engine.js';
import { DEFAULT_BATCH_SIZE } from './plan.js';
import { type Judgement, judgementSchema } from './prompt.js';
import { redactForModel } from './redact.js';
import { keptChange } from './reduce.js';
import { scriptedAnswer, scriptedJudgement, shownCandidates } from './scripted-answers.js';

const usage = {
  input_tokens: 100,
  output_tokens: 50,
  cache_read_input_tokens: 10,
  cache_creation_input_tokens: 5,
};
/** Keeps every candidate except mistakes with no reliable fix (judged noise). */
const keepAllButContrast: MockResponse = (req) => ({
  object: scriptedAnswer(req.messages[0]!.content, (c) => c.text.includes('no reliable fix seen')),
  usage,
});
/** Calls the planner makes without a budget: candidates per group (mistakes; workflows; statements) over the batch size. */
function expectedCalls(cands: readonly LlmCandidate[], batchSize: number): number {
  const group = (c: LlmCandidate) => (c.kind === 'mistake' || c.kind === 'workflow' ? c.kind : 'statement');
  const sizes = new Map<string, number>();
  for (const c of cands) sizes.set(group(c), (sizes.get(group(c)) ?? 0) + 1);
  return [...sizes.values()].reduce((n, k) => n + Math.ceil(k / batchSize), 0);
}

describeWithData('LLM engine on τ-bench (100 sessions, scripted model)', () => {
  let request: DreamRequest;
  let offline: DreamResult;
  let rawChars: number;
  let cands: LlmCandidate[];
  beforeAll(async () => {
    request = {
      memories: [],
      sessions: refsFromImported(await importAll([TAU])),
      options: DEFAULT_DREAM_OPTIONS,
    };
    offline = await createOfflineEngine().run(request, { cache: new MemoryCache() });
    rawChars = readFileSync(TAU, 'utf8').length;
    cands = candidatesOf(offline.changes);
  });

  it('writes lessons for kept candidates, removes dropped ones and rebuilds the index without them', async () => {
    const model = createMockModel(Array.from({ length: 10 }, () => keepAllButContrast));
    const r = await createLlmEngine({ model }).run(request);
    // every memory the pre-pass generated (no person's memories here) is a candidate, judged in batches
    const generated = offline.files.filter((f) => f.path !== '/MEMORY.md').map((f) => f.path);
    expect(cands.map((c) => c.change.path).sort()).toEqual(generated.sort());
    expect(r.stats.llm_candidates).toBe(cands.length);
    expect(model.calls.length).toBe(r.stats.llm_batches);
    expect(model.calls.length).toBe(expectedCalls(cands, DEFAULT_BATCH_SIZE));
    const dropped = cands.filter((c) => (c.fields.summary ?? '').includes('no reliable fix seen'));
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.length).toBeLessThan(cands.length);
    for (const c of dropped) expect(r.files.some((f) => f.path === c.change.path)).toBe(false);
    const index = r.files.find((f) => f.path === '/MEMORY.md')!.content;
    for (const c of dropped) expect(index).not.toContain(c.change.path.slice(1));
    const lesson = r.files.find(
      (f) => f.path === '/mistakes/book-reservation-payment-amount-does-not-add-up.md',
    )!;
    expect(lesson.content).toMatch(/^---\nkind: mistake\nsummary: Scripted lesson for mistake c1\n/);
    expect(lesson.content).toContain('reviewed_by: llm');
    expect(lesson.content).toContain('**Symptom:** The tool call fails with the quoted error.');
    expect(lesson.content).toContain('## What the sessions show');
    expect(lesson.content).toContain('Seen 8 times in 6 sessions');
    expect(index).toContain('[Lesson: ');
    const change = r.changes.find((c) => c.path === lesson.path)!;
    expect(change.evidence).toEqual([offline.changes.find((c) => c.path === lesson.path)!.evidence[0]]);
    expect(change.support).toEqual({ sessions: 6, agents: 1 });
    expect(r.stats.llm_kept).toBe(cands.length - dropped.length);
    expect(r.stats.llm_dropped).toBe(dropped.length);
    expect(r.files.filter((f) => f.content.includes('reviewed_by: llm')).length).toBe(r.stats.llm_kept);
    const n = model.calls.length;
    expect(r.usage).toEqual({
      input_tokens: 100 * n,
      output_tokens: 50 * n,
      cache_read_input_tokens: 10 * n,
      cache_creation_input_tokens: 5 * n,
    });
    // evidence snippets only: a fraction of the raw transcript characters
    const sent = model.calls.reduce((s, c) => s + c.system.length + c.messages[0]!.content.length, 0);
    expect(sent).toBe(r.stats.llm_chars_sent);
    expect(sent / rawChars).toBeLessThan(0.3);
  });

  it('sends the instructions as guidance, with secrets and e-mail addresses redacted', async () => {
    const model = createMockModel(Array.from({ length: 10 }, () => keepAllButContrast));
    const instructions =
      'Focus on payment errors; report to ops@example.com (token sk-ant-api03-abcdefghijklmnopqrstuvwxyz).';
    await createLlmEngine({ model }).run({ ...request, options: { ...DEFAULT_DREAM_OPTIONS, instructions } });
    const system = model.calls[0]!.system;
    expect(system).toContain('Focus on payment errors; report to [EMAIL] (token [REDACTED]).');
    expect(JSON.stringify(model.calls)).not.toContain('ops@example.com');
    expect(JSON.stringify(model.calls)).not.toContain('sk-ant-api03');
    expect(new Set(model.calls.map((c) => c.system)).size).toBe(1);
  });

  it('keeps the offline form of a batch whose answer is invalid twice or cut at max_tokens', async () => {
    // 2 candidates per call, so that one batch fails each way and at least one answers: the batch with
    // the best candidate answers invalid twice, the batch with the last-ranked one is cut at max_tokens
    const batchSize = 2;
    const best = cands[0]!.fields.summary!;
    const last = cands.at(-1)!.fields.summary!;
    const respond: MockResponse = (req) => {
      const m = req.messages[0]!.content;
      if (m.includes(best))
        return req.messages.length === 1 ? { text: 'not json' } : { object: { judgements: 'nope' } };
      if (m.includes(last))
        return { error: new ModelTruncatedError('cut', { provider: 'mock', maxOutputTokens: 1, usage }) };
      return keepAllButContrast(req) as never;
    };
    const model = createMockModel(Array.from({ length: 10 }, () => respond));
    const r = await createLlmEngine({ model, batchSize }).run(request);
    const batches = r.stats.llm_batches!;
    expect(batches).toBe(expectedCalls(cands, batchSize));
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(model.calls.length).toBe(batches + 1); // the invalid answer was asked again once
    expect(r.stats.llm_fallback_invalid).toBe(1);
    expect(r.stats.llm_fallback_truncated).toBe(1);
    // every candidate of the failed batches is exactly its offline file
    const offlineFiles = new Map(offline.files.map((f) => [f.path, f.content]));
    const kept = r.files.filter((f) => f.content.includes('reviewed_by: llm'));
    expect(kept.length).toBe(r.stats.llm_kept);
    expect(r.stats.llm_kept).toBeGreaterThan(0);
    const unchanged = r.files.filter(
      (f) => f.path !== '/MEMORY.md' && offlineFiles.get(f.path) === f.content,
    );
    expect(unchanged.length).toBe(cands.length - r.stats.llm_kept! - r.stats.llm_dropped!);
    expect(unchanged.map((f) => f.path)).toContain(cands[0]!.change.path);
    expect(unchanged.map((f) => f.path)).toContain(cands.at(-1)!.change.path);
    // the truncated answer's cost and each valid one's (the invalid answers report none)
    expect(r.usage.input_tokens).toBe(100 * (batches - 1));
  });

  it('never adds a memory the pre-pass did not find', async () => {
    const model = createMockModel(
      Array.from({ length: 10 }, () => (req: GenerateObjectRequest<unknown>) => {
        const a = scriptedAnswer(req.messages[0]!.content);
        a.judgements.push({ ...a.judgements[0]!, id: 'c99', title: 'Invented lesson' });
        return { object: a };
      }),
    );
    const r = await createLlmEngine({ model }).run(request);
    expect(r.files.map((f) => f.path)).toEqual(offline.files.map((f) => f.path));
    expect(JSON.stringify(r.files)).not.toContain('Invented lesson');
  });

  it('writes no lesson that cites none of the snippets it was shown: that candidate keeps its offline form', async () => {
    const model = createMockModel(
      Array.from({ length: 10 }, () => (req: GenerateObjectRequest<unknown>) => {
        const a = scriptedAnswer(req.messages[0]!.content);
        a.judgements[0] = { ...a.judgements[0]!, evidence: [] };
        if (a.judgements[1]) a.judgements[1] = { ...a.judgements[1], evidence: [9, 40] };
        return { object: a };
      }),
    );
    const r = await createLlmEngine({ model }).run(request);
    const batches = model.calls.map((c) => shownCandidates(c.messages[0]!.content).length);
    expect(r.stats.llm_uncited).toBe(batches.reduce((n, b) => n + Math.min(b, 2), 0));
    expect(r.stats.llm_uncited).toBeGreaterThan(0);
    expect(r.stats.llm_kept).toBe(cands.length - r.stats.llm_uncited!);
    const best = '/mistakes/book-reservation-payment-amount-does-not-add-up.md';
    expect(r.files.find((f) => f.path === best)!.content).toBe(
      offline.files.find((f) => f.path === best)!.content,
    );
  });

  it('spends at most max_input_tokens (estimated), highest-value candidates first, and reports what it skipped', async () => {
    const full = await createLlmEngine({ model: createMockModel([]) }).estimate(request);
    const cap = Math.floor(full.input_tokens / 2);
    const model = createMockModel(Array.from({ length: 10 }, () => keepAllButContrast));
    const engine = createLlmEngine({ model, budget: { max_input_tokens: cap } });
    const r = await engine.run(request);
    expect(r.stats.llm_estimated_input_tokens).toBeLessThanOrEqual(cap);
    expect(r.stats.llm_skipped_budget).toBeGreaterThan(0);
    const ranks = cands;
    const sentPaths = new Set(
      model.calls.flatMap((c) => shownCandidates(c.messages[0]!.content).map((s) => s.text.split('\n')[1])),
    );
    expect(sentPaths.size).toBe(cands.length - r.stats.llm_skipped_budget!);
    // the most useful candidate is always sent; skipped ones keep their offline file
    expect(model.calls.some((c) => c.messages[0]!.content.includes(ranks[0]!.fields.summary!))).toBe(true);
    const offlineFiles = new Map(offline.files.map((f) => [f.path, f.content]));
    const untouched = ranks.filter(
      (c) => r.files.find((f) => f.path === c.change.path)?.content === offlineFiles.get(c.change.path),
    );
    expect(untouched.length).toBeGreaterThanOrEqual(r.stats.llm_skipped_budget);
  });

  it('a dry run sends nothing and returns the estimate', async () => {
    const model = createMockModel([]);
    const engine = createLlmEngine({ model, dryRun: true });
    const r = await engine.run(request);
    const e = await engine.estimate(request);
    expect(model.calls.length).toBe(0);
    expect(r.stats.llm_dry_run).toBe(1);
    expect(r.stats.llm_batches).toBe(e.calls);
    expect(r.stats.llm_estimated_input_tokens).toBe(e.input_tokens);
    expect(e.calls).toBe(expectedCalls(cands, DEFAULT_BATCH_SIZE));
    expect(e.candidates).toBe(cands.length);
    expect(e.skipped).toBe(0);
    expect(e.input_tokens).toBeGreaterThan(1000);
    expect(r.files).toEqual(offline.files);
  });
});

describeWithData('LLM engine on Claude Code sessions with a memory a person wrote', () => {
  it('shows the related memory read-only; a lesson that contradicts it is kept for review at confidence ≤ 0.5, the person’s file unchanged', async () => {
    const note = 'Poems for the team should stay short and plain: no vivid or evocative imagery.\n';
    const memories = [
      {
        path: '/notes/poems.md',
        content: note,
        content_sha256: sha256Hex(note),
        updated_at: '2026-01-01T00:00:00.000Z',
      },
    ];
    const request: DreamRequest = {
      memories,
      // the subagents' poem prompts read as a person's statements
      sessions: refsFromImported(asTopLevel(await importAll([CLAUDE_CODE]))),
      options: DEFAULT_DREAM_OPTIONS,
    };
    const model = createMockModel([
      (req) => {
        const a = scriptedAnswer(req.messages[0]!.content);
        for (const j of a.judgements) j.conflicts_with = 'm1';
        return { object: a };
      },
    ]);
    const r = await createLlmEngine({ model }).run(request);
    const sent = model.calls[0]!.messages[0]!.content;
    expect(sent).toContain(
      `Related memories a person wrote (read-only):\n[m1] /notes/poems.md: ${JSON.stringify(note.trim())}`,
    );
    const lesson = r.changes.find((c) => c.kind === 'preference' && c.after?.includes('reviewed_by: llm'))!;
    expect(lesson.reason).toContain('contradicts /notes/poems.md, a memory a person wrote (left unchanged)');
    expect(lesson.confidence).toBeLessThanOrEqual(0.5);
    expect(lesson.after).toContain('**Contradicts:** `/notes/poems.md`');
    expect(r.files.find((f) => f.path === '/notes/poems.md')!.content).toBe(note);
    expect(r.changes.some((c) => c.path === '/notes/poems.md')).toBe(false);
  });
});

describe('judgements', () => {
  it('refuse a kept lesson with a blank field, and are cut to the field limits when rendered', () => {
    const j = scriptedJudgement({ id: 'c1', kind: 'mistake', text: '' }, true);
    expect(judgementSchema.safeParse({ ...j, fix: '  ' }).success).toBe(false);
    expect(judgementSchema.safeParse({ ...j, reason: '' }).success).toBe(false);
    expect(
      judgementSchema.safeParse({ ...scriptedJudgement({ id: 'c1', kind: 'mistake', text: '' }, false) })
        .success,
    ).toBe(true);
    const after =
      '---\nkind: mistake\nsummary: s\nsupport: {sessions: 2, agents: 1}\nconfidence: 0.5\nkey: k\n---\n# T\n\nbody\n';
    const c = {
      index: 0,
      rank: 0,
      kind: 'mistake',
      fields: { kind: 'mistake', summary: 's', key: 'k' },
      body: '# T\n\nbody\n',
      related: [],
      change: {
        op: 'create',
        path: '/mistakes/t.md',
        to_path: null,
        before: null,
        after,
        base_sha256: null,
        kind: 'mistake',
        reason: 'r',
        confidence: 0.5,
        support: { sessions: 2, agents: 1 },
        evidence: [{ session_id: 's', seq_from: 1, seq_to: 1, quote: 'q' }],
      },
    } as const;
    const out = keptChange(c as never, {
      ...j,
      title: `${'x'.repeat(200)}\n# injected`,
      summary: 'line one\nline two',
    }).after!;
    expect(out).toContain(`# ${'x'.repeat(119)}…\n`);
    expect(out).not.toContain('\n# injected');
    expect(out).toContain('summary: line one line two\n');
    const many = {
      ...c.change,
      evidence: Array.from({ length: 12 }, (_, i) => ({
        session_id: 's',
        seq_from: i,
        seq_to: i,
        quote: `q${i}`,
      })),
    };
    const cited = keptChange({ ...c, change: many } as never, { ...j, evidence: [2, 10, 2] }).evidence;
    expect(cited.map((e) => e.quote)).toEqual(['q1']); // #10 was never shown (8 snippets per candidate)
  });
});

describe('decisionsOf', () => {
  const cand = (i: number) => ({ index: i, related: [] }) as never;
  const keep = (id: string, supersedes: string | null = null): Judgement => ({
    ...scriptedJudgement({ id, kind: 'fact', text: '' }, true),
    supersedes,
  });
  it('a candidate that supersedes another drops it; mutual contradictions drop both', () => {
    const one = decisionsOf([cand(0), cand(1)], { judgements: [keep('c1', 'c2'), keep('c2')] });
    expect(one.map((d) => d.judgement.verdict)).toEqual(['keep', 'drop']);
    expect(one[1]!.judgement.reason).toBe('superseded by c1');
    const both = decisionsOf([cand(0), cand(1)], { judgements: [keep('c1', 'c2'), keep('c2', 'c1')] });
    expect(both.map((d) => d.judgement.verdict)).toEqual(['drop', 'drop']);
  });
  it('resolves conflicts_with only to a memory shown under that candidate', () => {
    const shown = { index: 0, related: [{ path: '/notes/a.md', content: 'a' }] } as never;
    const d = decisionsOf([shown, cand(1)], {
      judgements: [
        { ...keep('c1'), conflicts_with: 'm1' },
        { ...keep('c2'), conflicts_with: 'm1' },
      ],
    });
    expect(d.map((x) => x.conflict)).toEqual(['/notes/a.md', null]);
  });
  it('ignores unknown ids and repeated judgements', () => {
    const d = decisionsOf([cand(0)], {
      judgements: [keep('c7'), keep('c1'), { ...keep('c1'), verdict: 'drop' }],
    });
    expect(d.length).toBe(1);
    expect(d[0]!.judgement.verdict).toBe('keep');
  });
});

describe('redactForModel', () => {
  it('replaces credentials, e-mail addresses and phone numbers, and leaves dates and amounts', () => {
    expect(
      redactForModel(
        'call (415) 555-2671 or ann.lee@example.org; password=hunter2x9; paid 1,625 on 2024-05-17',
      ),
    ).toBe('call [PHONE] or [EMAIL]; password=[REDACTED]; paid 1,625 on 2024-05-17');
    expect(redactForModel(redactForModel('+44 20 7946 0958'))).toBe('[PHONE]');
  });
});
