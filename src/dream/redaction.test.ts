/**
 * Issue 7 items 6 and 7: credentials and personal data recurring in transcripts never reach a memory,
 * an evidence quote, a reason, a file name or the index; a memory holding a secret (or an already
 * redacted one) is redacted in the proposal, never a reason for the dream to fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../domain/index.js';
import { renderChangeSetMarkdown } from '../service/change-report.js';
import { oneShotDream, Reverie } from '../service/index.js';
import { createOfflineEngine } from './index.js';
import { redactPii } from './offline/pii.js';
import { Redactor } from './offline/redactor.js';
import { redactSecrets } from './offline/secrets.js';
import { syntheticSession as session } from './test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult, type DreamSessionRef, type InputMemory } from './types.js';

const engine = createOfflineEngine();

const STRIPE = 'sk_live_51HxQzR2eZvKYlo2C8mNpQrStUvWx';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq3Lm9Tk2B';
const GHP = 'ghp_R8x2kQ9vL3mN7pT1wZ5yB4cD6fG0hJ2sA8eU';
const AKIA = 'AKIAZ3MHQ7TXKQ4B2WNA';
const EMAIL = 'mia.li@example.com';
const CARD = '4111 1111 1111 1111';
const PHONE = '(415) 555-2671';
const IBAN = 'DE89 3704 0044 0532 0130 00';
const CUSTOMER = 'mia_li_3668';
const SECRETS = [STRIPE, AWS_SECRET, GHP, AKIA, EMAIL, CARD, CARD.replace(/ /g, ''), PHONE, IBAN, CUSTOMER];

function memory(path: string, content: string): InputMemory {
  return { path, content, content_sha256: sha256Hex(content), updated_at: '2026-01-01T00:00:00.000Z' };
}

/** Everything a dream stores or shows: file paths and contents, reasons, evidence quotes. */
function everything(r: DreamResult): string {
  return [
    ...r.files.flatMap((f) => [f.path, f.content]),
    ...r.changes.flatMap((c) => [c.path, c.after ?? '', c.reason, ...c.evidence.map((e) => e.quote)]),
  ].join('\n');
}

/** Sessions in which the same leaks recur (tool errors, user rules), by three users (one is CUSTOMER). */
function leakySessions(): DreamSessionRef[] {
  return [CUSTOMER, 'u2', 'u3'].map((u, i) =>
    session(
      `sesn_leak${i}`,
      u,
      [
        `Ticket ${i + 1}: refund request.`,
        `From now on, always use the billing key ${STRIPE} for refunds.`,
        `Always send receipts to ${EMAIL} and call ${PHONE} if the card ${CARD} is declined.`,
        {
          tool: 'send_receipt',
          input: { to: EMAIL, user_id: CUSTOMER },
          result: `Error: mailbox ${EMAIL} is full (user ${CUSTOMER})`,
          error: true,
        },
        { tool: 'send_receipt', input: { to: 'ops' }, result: 'ok' },
        {
          tool: 'charge_card',
          input: { card: CARD.replace(/ /g, '') },
          result: `Error: card ${CARD.replace(/ /g, '')} declined, IBAN ${IBAN} refused, aws secret ${AWS_SECRET}`,
          error: true,
        },
        { tool: 'charge_card', input: { card: 'other' }, result: 'ok' },
      ],
      { title: `Refund for ${u} with ${GHP} and ${AKIA}` },
    ),
  );
}

describe('redaction of transcript content (issue 7 item 6)', () => {
  it('no recurring secret or personal value reaches memories, file names, reasons, evidence or the index', async () => {
    const r = await engine.run({ memories: [], sessions: leakySessions(), options: DEFAULT_DREAM_OPTIONS });
    // the recurring errors are still found, with their values masked
    expect(r.changes.filter((c) => c.kind === 'mistake').length).toBeGreaterThanOrEqual(2);
    const all = everything(r);
    for (const s of SECRETS) expect(all, s).not.toContain(s);
    expect(all).not.toMatch(/example-com|4111111111111111|555-?2671/);
  });

  it('session titles carrying tokens are redacted in CHANGES.md evidence lines', async () => {
    const sessions = leakySessions();
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    const byId = new Map(sessions.map((s) => [s.session.id, s.session]));
    const md = renderChangeSetMarkdown(r.changes, { lookup: (id) => byId.get(id) });
    expect(md).toContain('sesn_leak0 (Refund for');
    for (const s of [GHP, AKIA, CUSTOMER]) expect(md).not.toContain(s);
  });

  it('learns secretlint findings and redacts them where the rules alone would not', async () => {
    const slack = 'xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx';
    const url = 'https://hooks.slack.com/services/T01ABCDEFGH/B01ABCDEFGH/abcdefghijklmnopqrstuvwx';
    expect(redactSecrets(url).count).toBe(0);
    const red = new Redactor();
    expect(await red.learn([`hook ${url}`, `token ${slack}`])).toBeGreaterThanOrEqual(1);
    expect(red.secrets(`post to ${url} now`).text).not.toContain('abcdefghijklmnopqrstuvwx');
  });

  it('card numbers need a valid Luhn checksum; order numbers and dates stay', () => {
    expect(redactPii(`card ${CARD} and ${CARD.replace(/ /g, '')}`).text).toBe('card [CARD] and [CARD]');
    expect(redactPii('order 4111 1111 1111 1112 on 2024-05-15, total 1625').count).toBe(0);
    expect(redactPii(`iban ${IBAN}`).text).toBe('iban [IBAN]');
    expect(redactPii(`call ${PHONE}`).text).toBe('call [PHONE]');
  });
});

describe('secrets in input memories (issue 7 item 7)', () => {
  it('a memory already holding a redacted URL password dreams without failing and is left alone', async () => {
    const m = memory('/notes/db.md', 'Connect with postgres://user:[REDACTED]@db.internal:5432/app\n');
    const r = await engine.run({ memories: [m], sessions: leakySessions(), options: DEFAULT_DREAM_OPTIONS });
    expect(r.changes.find((c) => c.path === '/notes/db.md')).toBeUndefined();
    expect(r.files.find((f) => f.path === '/MEMORY.md')!.content).toContain('notes/db.md');
  });

  it('a secret in an input memory becomes an update with a reason; redacting twice changes nothing', async () => {
    const m = memory(
      '/notes/keys.md',
      `Billing uses ${STRIPE}.\nDB: postgres://admin:hunter2pass@db.internal/app\nAWS ${AWS_SECRET}\n`,
    );
    const r = await engine.run({ memories: [m], sessions: [], options: DEFAULT_DREAM_OPTIONS });
    const c = r.changes.find((x) => x.path === '/notes/keys.md')!;
    expect(c.op).toBe('update');
    expect(c.reason).toMatch(/redacted 3 secret-looking strings/);
    for (const s of [STRIPE, 'hunter2pass', AWS_SECRET]) expect(c.after).not.toContain(s);
    expect(c.after).toContain('postgres://admin:[REDACTED]@db.internal/app');
    expect(redactSecrets(c.after!).count).toBe(0);
    // and dreaming the proposal again proposes nothing for it
    const again = await engine.run({
      memories: [memory('/notes/keys.md', c.after!)],
      sessions: [],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(again.changes.find((x) => x.path === '/notes/keys.md')).toBeUndefined();
  });
});

describe('session titles in provenance (issue 7 item 6)', () => {
  it('`why` evidence lines and the one-shot CHANGES.md never show a token carried by a session title', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-title-'));
    const file = join(dir, 'leaky.jsonl');
    const session = (i: number) =>
      [
        {
          type: 'session',
          external_id: `desk:${i}`,
          agent_id: 'bot',
          title: `Deploy with ${GHP} and ${AKIA} for ${EMAIL}`,
        },
        { type: 'user.message', text: `Ticket ${i}: please deploy.` },
        { type: 'agent.tool_use', tool: 'deploy', input: { env: 'prod' }, call_id: 'c1' },
        {
          type: 'agent.tool_result',
          call_id: 'c1',
          tool: 'deploy',
          content: 'Error: quota exceeded',
          is_error: true,
        },
        { type: 'outcome', result: 'failed', source: 'user' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n');
    writeFileSync(file, `${[1, 2, 3].map(session).join('\n')}\n`);
    const svc = await Reverie.open({ db: join(dir, 'r.db') });
    try {
      const out = join(dir, 'out');
      const r = await oneShotDream(svc, { transcripts: [file], outDir: out });
      const mistake = (await svc.listChanges(r.dream.id)).find((c) => c.kind === 'mistake')!;
      const p = await svc.why(r.output_store_id!, mistake.path);
      const titles = p.history.flatMap((h) => h.evidence.map((e) => e.session_title ?? ''));
      expect(titles.length).toBeGreaterThan(0);
      expect(titles[0]).toContain('Deploy with');
      const shown = `${titles.join('\n')}\n${readFileSync(join(out, '.reverie/CHANGES.md'), 'utf8')}`;
      for (const s of [GHP, AKIA, EMAIL]) expect(shown).not.toContain(s);
    } finally {
      await svc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
