/**
 * The import guard through the upload endpoint: an uploaded transcript whose session has the external id
 * of a stored session but is another conversation is stored beside it, and the response says so
 * (`sessions[].conflicts_with`, a `session_conflict` warning). Texts invented for the test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { claudeCodeLine } from '../../../test/claude-code-lines.js';
import { type ApiFixture, apiFixture } from '../core/test-client.js';

const SID = '7a1f3e9d-0000-4000-8000-0000000000ab';

/** A Claude Code session file of session {@link SID}: the person's request and the agent's answer. */
function transcript(ask: string, answer: string): string {
  const ctx = { sessionId: SID };
  return `${claudeCodeLine(ctx, 'u1', 'user', ask)}\n${claudeCodeLine(ctx, 'a1', 'assistant', answer)}\n`;
}

let f: ApiFixture;
let key: string;
beforeAll(async () => {
  f = await apiFixture();
  // A workspace other than the default one, whose external ids are stored qualified (`<workspace>:<id>`).
  key = (await f.svc.keys.createKey({ name: 'uploader', workspace: 'team-c' })).key;
});

const upload = (body: string) =>
  f.app.request(`/v1/reverie/sessions?filename=${SID}.jsonl`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/octet-stream', 'x-api-key': key },
  });

describe('POST /v1/reverie/sessions with a stored session id and another conversation', () => {
  it('keeps the stored session, stores the upload beside it and reports a session_conflict warning', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field
    const first: any = await (await upload(transcript('translate the menu to French', 'Done.'))).json();
    expect(first.sessions.map((s: { status: string }) => s.status)).toEqual(['created']);
    expect(first.warnings).toBeUndefined();
    const kept = first.sessions[0].session_id;
    const res = await upload(transcript('delete the old invoices', 'Deleted 12 invoices.'));
    expect(res.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field
    const second: any = await res.json();
    expect(second.sessions).toEqual([
      {
        external_id: `claude-code:${SID}@${SID}.jsonl`,
        status: 'created',
        session_id: expect.stringMatching(/^sesn_/),
        conflicts_with: { session_id: kept, external_id: `claude-code:${SID}` },
      },
    ]);
    expect(second.sessions[0].session_id).not.toBe(kept);
    expect(second.warnings).toMatchObject([
      { type: 'session_conflict', conflicts_with: { session_id: kept } },
    ]);
    const stored = await f.call('GET', `/v1/reverie/sessions/${kept}?include_events=true`, undefined, {
      'x-api-key': key,
    });
    const texts = stored.body.events.flatMap((e: { type: string; text?: string }) =>
      e.type === 'user.message' ? [e.text] : [],
    );
    expect(texts).toEqual(['translate the menu to French']);
    // the same upload again: the copy beside is already stored, unchanged, and the conflict was said
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field
    const third: any = await (
      await upload(transcript('delete the old invoices', 'Deleted 12 invoices.'))
    ).json();
    expect(third.sessions.map((s: { status: string }) => s.status)).toEqual(['unchanged']);
    expect(third.sessions[0].conflicts_with).toEqual({ session_id: kept, external_id: `claude-code:${SID}` });
    expect(third.warnings).toBeUndefined();
  });
});
