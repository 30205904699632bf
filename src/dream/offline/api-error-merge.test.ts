/**
 * One backend's error returned by several of its API tools is one recurring mistake (issue 8): τ-bench's
 * "gift card balance is not enough" (`update_reservation_flights`) and "not enough balance in payment
 * method gift_card_…" (`book_reservation`) are the same lesson, so support is counted across both; and a
 * dream of earlier trials then covers the later trials' errors of either tool.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../../test/data.js';
import type { ToolKind } from '../../domain/index.js';
import { scoreCoverage } from '../../eval/scorers/coverage.js';
import type { ImportedSession } from '../../ingest/types.js';
import { createOfflineEngine } from '../index.js';
import { importAll, refsFromImported, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult, type DreamSessionRef } from '../types.js';

const engine = createOfflineEngine();
const dream = (sessions: DreamSessionRef[]) =>
  engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
const mistakes = async (sessions: DreamSessionRef[]) =>
  (await dream(sessions)).changes.filter((c) => c.kind === 'mistake');

/** A session whose one call of `tool` (of `kind`) fails with `error`, then succeeds. */
const failing = (id: string, tool: string, error: string, kind: ToolKind = 'other') =>
  syntheticSession(id, `u-${id}`, [
    'please do it',
    { tool, kind, input: { id: `${id}_1` }, result: error, error: true },
    { tool, kind, input: { id: `${id}_2` }, result: 'ok' },
  ]);

describe('API errors merged across the tools of one backend', () => {
  it('counts a paraphrased error of two API tools as one mistake in two sessions', async () => {
    const ms = await mistakes([
      failing('a', 'update_order', 'Error: voucher balance is not enough'),
      failing('b', 'create_order', 'Error: not enough balance on voucher voucher_5094406'),
    ]);
    expect(ms).toHaveLength(1);
    expect(ms[0]!.support.sessions).toBe(2);
    expect(ms[0]!.after).toContain('Returned by: `create_order` (1), `update_order` (1).');
    expect(ms[0]!.after).toContain('a later call of the same tool succeeded');
  });

  it('merges the same error of two API tools; never the same error of two file tools', async () => {
    const api = await mistakes([
      failing('a', 'book_seat', 'Error: not enough seats on flight HAT001'),
      failing('b', 'change_seat', 'Error: not enough seats on flight HAT002'),
    ]);
    expect(api.map((m) => m.support.sessions)).toEqual([2]);
    // file tools are not one backend: each tool's error stays its own (and one session is noise)
    const files = await mistakes([
      failing('a', 'Read', 'Error: permission denied for /srv/app/config.yml', 'read'),
      failing('b', 'Write', 'Error: permission denied for /srv/app/config.yml', 'edit'),
    ]);
    expect(files).toEqual([]);
  });
});

describe('the memory is named by the wording and tool seen in the most sessions', () => {
  it('not by a wording one session repeated three times', async () => {
    const repeated = syntheticSession('r', 'u-r', [
      'please do it',
      ...[1, 2, 3].map((n) => ({
        tool: 'book_seat',
        input: { id: `r_${n}` },
        result: `Error: payment method voucher_50${n}4406 not found`,
        error: true,
      })),
      { tool: 'book_seat', input: { id: 'r_4' }, result: 'ok' },
    ]);
    const ms = await mistakes([
      repeated,
      failing('a', 'change_seat', 'Error: payment method not found'),
      failing('b', 'change_seat', 'Error: payment method not found'),
    ]);
    expect(ms).toHaveLength(1);
    expect(ms[0]!.support.sessions).toBe(3);
    expect(ms[0]!.after).toContain('# change_seat: payment method not found');
    expect(ms[0]!.after).toContain('Returned by: `book_seat` (3), `change_seat` (2).');
  });
});

describeWithData('τ-bench: gift card and seat errors across booking and flight changes', () => {
  let imported: ImportedSession[];
  let result: DreamResult;
  beforeAll(async () => {
    imported = await importAll([TAU]);
    result = await dream(refsFromImported(imported));
  });
  const mistake = (fragment: string) =>
    result.changes.find((c) => c.kind === 'mistake' && c.after?.includes(fragment));

  it('counts the gift card too small in 3 sessions of both tools, the seats missing in 5', () => {
    const gift = mistake('gift card balance is not enough');
    expect(gift?.support.sessions).toBe(3);
    expect(gift!.after).toContain('Returned by: `update_reservation_flights` (6), `book_reservation` (1).');
    expect(gift!.after).toContain('No reliable fix was seen');
    expect(mistake('not enough seats on flight')?.support.sessions).toBe(5);
  });

  it('a dream of trial 0 covers trial 1’s gift card errors (predictive coverage, time split)', async () => {
    const trial = (s: ImportedSession) => s.external_id.endsWith(':trial-0');
    const r = await dream(refsFromImported(imported.filter(trial)));
    const heldOut = imported.filter((s) => !trial(s)).map((s) => ({ id: s.external_id, events: s.events }));
    const cov = scoreCoverage(r.files, heldOut);
    expect(cov.templates.find((t) => t.template === 'gift card balance is not enough')).toEqual({
      template: 'gift card balance is not enough',
      count: 3,
      covered: true,
    });
  });
});
