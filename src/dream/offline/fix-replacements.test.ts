/**
 * The fix that worked, stated as what the successful retries used instead (issue 8): when a tool
 * refuses one kind of value (a certificate as payment) and the retries succeed with another kind (a
 * gift card, a credit card), the memory names the replacement, not merely the argument that changed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../../test/data.js';
import { createOfflineEngine } from '../index.js';
import { importAll, refsFromImported, type Step, syntheticSession } from '../test-helpers.js';
import {
  DEFAULT_DREAM_OPTIONS,
  type DreamResult,
  type DreamSessionRef,
  type ProposedChange,
} from '../types.js';
import { kindChanges, valueKind } from './recovery.js';

const engine = createOfflineEngine();
const mistakes = async (sessions: DreamSessionRef[]) =>
  (await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS })).changes.filter(
    (c) => c.kind === 'mistake',
  );
const summaryOf = (c: ProposedChange) => /^summary: (.*)$/m.exec(c.after ?? '')?.[1] ?? '';

const refuse = (order: string, pay: string): Step => ({
  tool: 'modify_order',
  input: { order_id: order, items: ['a1', 'b2'], payment_method_id: pay },
  result: 'Error: voucher not accepted for order changes',
  error: true,
});
const accept = (order: string, pay: string, items = ['a1', 'b2']): Step => ({
  tool: 'modify_order',
  input: { order_id: order, items, payment_method_id: pay },
  result: JSON.stringify({ order_id: order, status: 'modified' }),
});

describe('valueKind and kindChanges', () => {
  it('reads the kind of typed identifiers and nothing else', () => {
    expect(valueKind('"certificate_9380982"')).toBe('certificate');
    expect(valueKind('"gift_card_5634230"')).toBe('gift_card');
    expect(valueKind('"credit-card-7334"')).toBe('credit-card');
    for (const v of ['"HAT078"', '"1N99U6"', '"economy"', '42', '"gift_card"', '"a b_12"'])
      expect(valueKind(v), v).toBeNull();
  });

  it('reports a leaf whose value changed kind, indices folded; not one that kept its kind', () => {
    expect(
      kindChanges(
        { payment_methods: [{ payment_id: 'certificate_1', amount: 5 }], user: 'u_1' },
        { payment_methods: [{ payment_id: 'gift_card_2', amount: 7 }], user: 'u_2' },
      ),
    ).toEqual([{ path: 'payment_methods[].payment_id', from: 'certificate', to: 'gift_card' }]);
    expect(kindChanges({ payment_id: 'credit_card_7334' }, { payment_id: 'credit_card_4421486' })).toEqual(
      [],
    );
    expect(kindChanges('rm -rf a_1', 'rm -rf b_2')).toEqual([]);
  });
});

describe('a fix stated as the replacement the successful retries used', () => {
  it('names the kind of value used instead, with how many sessions used each', async () => {
    const sessions = [
      syntheticSession('s1', 'u1', ['change it', refuse('W1', 'voucher_111'), accept('W1', 'gift_card_901')]),
      syntheticSession(
        's2',
        'u2',
        ['change it', refuse('W2', 'voucher_222'), accept('W2', 'gift_card_902')],
        {
          outcome: 'failed',
        },
      ),
      syntheticSession('s3', 'u3', ['change it', refuse('W3', 'voucher_333'), accept('W3', 'paypal_903')], {
        outcome: 'failed',
      }),
    ];
    const [m, ...rest] = await mistakes(sessions);
    expect(rest).toEqual([]);
    expect(summaryOf(m!)).toContain(
      'fix: use another kind of `payment_method_id` than `voucher` (the retries that worked used `gift_card` (2), `paypal` (1))',
    );
    expect(m!.after).toContain(
      '- The successful retry used another kind of `payment_method_id` than `voucher`: `gift_card` (2), `paypal` (1).',
    );
  });

  it('states no replacement seen only in failed sessions', async () => {
    const sessions = [1, 2, 3].map((i) =>
      syntheticSession(
        `f${i}`,
        `u${i}`,
        ['change it', refuse(`W${i}`, `voucher_${i}00`), accept(`W${i}`, `gift_card_${i}01`)],
        { outcome: 'failed' },
      ),
    );
    const [m] = await mistakes(sessions);
    expect(m!.after).not.toContain('another kind of');
    expect(m!.after).toContain('No reliable fix was seen');
  });

  it('keeps the changed argument as the headline when the replacement explains only some recoveries', async () => {
    // every retry changed the items; two of three also paid another way: the items are the fix
    const sessions = [1, 2, 3].map((i) =>
      syntheticSession(`c${i}`, `u${i}`, [
        'change it',
        refuse(`W${i}`, 'voucher_1'),
        accept(`W${i}`, i < 3 ? 'gift_card_9' : 'voucher_1', ['a1']),
      ]),
    );
    const [m] = await mistakes(sessions);
    expect(summaryOf(m!)).toContain('fix: change items[]');
    expect(summaryOf(m!)).not.toContain('another kind of');
    expect(m!.after).toContain('used another kind of `payment_method_id` than `voucher`: `gift_card` (2)');
  });
});

describe('the headline fix is the recovery most satisfied sessions took', () => {
  const cancel = (i: number, reason: string, error = false): Step => ({
    tool: 'cancel_order',
    input: { order_id: `W${i}`, reason },
    result: error ? 'Error: order already shipped' : 'ok',
    error,
  });
  const ret: Step = { tool: 'return_order', input: { order_id: 'W9' }, result: 'ok' };

  it('names the different tool when it recovered in more satisfied sessions than the changed argument', async () => {
    const sessions = [
      // two sessions got the same tool through by changing the reason, one of them satisfied
      syntheticSession('r1', 'u1', [
        'cancel',
        cancel(1, 'no longer needed', true),
        cancel(1, 'ordered by mistake'),
      ]),
      syntheticSession(
        'r2',
        'u2',
        ['cancel', cancel(2, 'no longer needed', true), cancel(2, 'ordered by mistake')],
        {
          outcome: 'failed',
        },
      ),
      // three never cancelled again: they returned the order instead, all satisfied
      ...[3, 4, 5].map((i) =>
        syntheticSession(`r${i}`, `u${i}`, ['cancel', cancel(i, 'no longer needed', true), ret]),
      ),
    ];
    const [m] = await mistakes(sessions);
    expect(summaryOf(m!)).toContain('fix: use return_order instead');
    // the changed argument is still reported, as a detail
    expect(m!.after).toContain('- The successful retry changed: `reason` (2).');
  });

  it('keeps the changed argument when it recovered in more satisfied sessions', async () => {
    const sessions = [
      ...[1, 2, 3].map((i) =>
        syntheticSession(`r${i}`, `u${i}`, [
          'cancel',
          cancel(i, 'no longer needed', true),
          cancel(i, 'ordered by mistake'),
        ]),
      ),
      ...[4, 5].map((i) =>
        syntheticSession(`r${i}`, `u${i}`, ['cancel', cancel(i, 'no longer needed', true), ret]),
      ),
    ];
    const [m] = await mistakes(sessions);
    expect(summaryOf(m!)).toContain('fix: change reason');
  });
});

describe('examples of the change', () => {
  it('shows before → after examples only of the changed arguments it names', async () => {
    const pay = (i: number, card: string, qty: number, error = false): Step => ({
      tool: 'pay_order',
      input: { order_id: `W${i}`, card, qty },
      result: error ? 'Error: card declined by issuer' : 'ok',
      error,
    });
    // every retry used another card; one also changed the quantity (once: not a fix, not an example)
    const sessions = [1, 2, 3].map((i) =>
      syntheticSession(`q${i}`, `u${i}`, [
        'pay it',
        pay(i, 'Visa', 1, true),
        pay(i, 'Amex', i === 1 ? 2 : 1),
      ]),
    );
    const [m] = await mistakes(sessions);
    expect(m!.after).toContain('- The successful retry changed: `card` (3).');
    expect(m!.after).not.toContain('qty: 1 → 2');
  });
});

describeWithData('τ-bench: the certificate refused for a flight change', () => {
  let result: DreamResult;
  beforeAll(async () => {
    result = await engine.run({
      memories: [],
      sessions: refsFromImported(await importAll([TAU])),
      options: DEFAULT_DREAM_OPTIONS,
    });
  });
  const mistake = (fragment: string) =>
    result.changes.find((c) => c.kind === 'mistake' && c.after?.includes(fragment));

  it('states the payment the updates went through with (gift card, credit card), not just "change payment_id"', () => {
    const m = mistake('certificate cannot be used to update reservation');
    expect(m).toBeDefined();
    expect(summaryOf(m!)).toContain(
      'fix: use another kind of `payment_id` than `certificate` (the retries that worked used `gift_card` (2), `credit_card` (1))',
    );
  });

  it('leaves the amounts as the fix of the payment mismatch', () => {
    const m = mistake('payment amount does not add up');
    expect(summaryOf(m!)).toContain('fix: change payment_methods[].amount');
  });
});
