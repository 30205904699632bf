import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { gatherSession } from './gather.js';
import type { GatheredSession } from './plan.js';
import { minePreferences } from './statements.js';

let seq = 0;
const msg = (type: 'user.message' | 'agent.message', text: string): SessionEvent => ({
  type,
  text,
  seq: seq++,
  timestamp: null,
  source: { file: 'hand-made' },
});

function session(i: number, user: string, agent = 'app-agent'): GatheredSession {
  return {
    id: `s${String(i).padStart(3, '0')}`,
    agent_id: agent,
    user_id: null,
    content_sha256: `sha${i}`,
    outcome: 'unknown',
    family: null,
    subagent: false,
    time: null,
    digest: gatherSession([msg('user.message', user), msg('agent.message', 'Done.')]),
  };
}

// Hand-written: an app's prompt, built by code, above a different request each session.
const requests = [
  'The invoice total looks off by one cent.',
  'A customer cannot log in after the update.',
  'The export button does nothing on tablets.',
  'Two charges appeared for a single order.',
  'The welcome e-mail has a broken link.',
  'Search results are empty for accented names.',
  'The mobile app logs out every few minutes.',
  'An invoice PDF shows the wrong currency.',
  'Password rules reject a valid passphrase.',
  'The dashboard chart stops at last Tuesday.',
];
const prompt = (r: string) => `Sort this request into a queue. Always apply the routing checklist.\n\n${r}`;

describe('a sentence of the app’s own prompt, repeated in nearly every session of an agent', () => {
  it('is never a preference (it was one before)', () => {
    const sessions = requests.map((r, i) => session(i, prompt(r)));
    expect(sessions[0]!.digest.statements.map((s) => s.text)).toContain(
      'Always apply the routing checklist.',
    );
    expect(minePreferences(sessions, 2).memories).toEqual([]);
  });

  it('a rule people state in some sessions of an agent is still one', () => {
    const rule = 'Always apply the routing checklist.';
    // in 5 of 10 sessions, or in every one of 5 sessions: a person may retype a request a few times
    const sessions = requests.map((r, i) => session(i, i < 5 ? `${rule}\n\n${r}` : r));
    expect(minePreferences(sessions.slice(0, 5), 2).memories.length).toBe(1);
    const prefs = minePreferences(sessions, 2).memories;
    expect(prefs.length).toBe(1);
    expect(prefs[0]!.body).toContain(rule);
  });

  it('is never one either in fifty sessions or more, however many others the agent has (a plugin’s prompt)', () => {
    // 60 sessions with the prompt among 200 of the same agent: 30%, under the share a template needs
    const many = Array.from({ length: 200 }, (_, i) =>
      session(1000 + i, i < 60 ? prompt(`Ticket ${i} is attached.`) : `Ticket ${i} is attached.`),
    );
    expect(minePreferences(many, 2).memories).toEqual([]);
  });

  it('counts per agent: the same sentence across different agents is not one app’s template', () => {
    const sessions = requests.map((r, i) => session(i, prompt(r), `agent-${i}`));
    expect(minePreferences(sessions, 2).memories.length).toBe(1);
  });
});

describe('grouping wordings of a preference by shared terms', () => {
  const s = (i: number, text: string) => session(100 + i, `${text}\n\nThe build is green.`, `agent-${i}`);

  it('never merges a statement with its opposite', () => {
    const sessions = [
      s(0, 'Always run the migrations before the tests.'),
      s(1, 'Always run the migrations before the tests.'),
      s(2, 'Never run the migrations before the tests.'),
    ];
    const prefs = minePreferences(sessions, 2).memories;
    expect(prefs.length).toBe(1);
    expect(prefs[0]!.body).not.toContain('Never run the migrations');
  });
});
