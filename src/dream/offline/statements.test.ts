import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, describeWithData } from '../../../test/data.js';
import { sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { importAll, refsFromImported, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type InputMemory } from '../types.js';

// Wordings written for these tests (not the planted generator's held-out half).
const engine = createOfflineEngine();

function memory(path: string, content: string): InputMemory {
  return { path, content, content_sha256: sha256Hex(content), updated_at: '2026-01-01T00:00:00.000Z' };
}

describe('paraphrased preferences', () => {
  it('a terse wording joins the rule that anchors its terms, which reinforces the person’s memory of it', async () => {
    const inputs = [memory('/preferences/pm.md', 'Use yarn, not npm.\n')];
    const said: [string, string][] = [
      ['u1', "We're a yarn shop, never run npm install here."],
      ['u2', 'Use yarn instead of npm, the lockfile is yarn.lock.'],
      ['u3', 'Always install with yarn; npm breaks our lockfile.'],
      ['u4', 'Never use npm in this repo, yarn only.'],
      ['u5', 'Whenever you add a dependency, do it with yarn add.'],
      ['u6', 'Add every new dependency with yarn add.'],
    ];
    const sessions = said.map(([u, t], i) => syntheticSession(`sesn_${i}`, u, [t]));
    const r = await engine.run({ memories: inputs, sessions, options: DEFAULT_DREAM_OPTIONS });
    const about = r.files.filter((f) => f.path !== '/MEMORY.md' && /yarn/i.test(f.content));
    expect(about.map((f) => f.path)).toEqual(['/preferences/pm.md']);
    // all six people's wordings in one rule
    expect(about[0]!.content).toContain('_Dream: seen in 6 sessions');
    expect(about[0]!.content).toContain('(6 users)_');
  });
});

describe('a one-off request sharing one side word with a rule', () => {
  it('stays apart: the rule keeps its own wordings and support; a terse core wording still joins it', async () => {
    const said: [string, string][] = [
      ['u1', 'Never write secrets to the logs.'],
      ['u2', 'Never write secrets to the logs, not even in debug output.'],
      // shares only "debug" (in one of the rule's two wordings): a request about one page, not the rule
      ['u3', 'Always show the debug panel when the page is an error page with a stack trace.'],
      ['u4', "Don't log secrets."],
    ];
    const sessions = said.map(([u, t], i) => syntheticSession(`sesn_${i}`, u, [t]));
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    const prefs = r.changes.filter((c) => c.kind === 'preference');
    expect(prefs).toHaveLength(1);
    expect(prefs[0]!.after).toContain("Don't log secrets.");
    expect(prefs[0]!.after).not.toContain('debug panel');
    expect(prefs[0]!.support.sessions).toBe(3);
  });
});

describe('a short statement sharing a word or two with another person’s wordings', () => {
  // one person says two wordings of one rule; another says something short that shares only "run"
  const rule = [
    'Ensure that all tests can run successfully.',
    'Ensure that all backend tests run against the staging database.',
  ];
  const terse = 'No need to run it.';

  it('never lifts that group to support: no preference from one person plus a word in common', async () => {
    const sessions = [syntheticSession('sesn_a', null, rule), syntheticSession('sesn_b', null, [terse])];
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    expect(r.changes.filter((c) => c.kind === 'preference')).toEqual([]);
  });

  it('a rule that stands on its own wordings is still proposed, with its own support', async () => {
    const sessions = [
      syntheticSession('sesn_a', null, rule),
      syntheticSession('sesn_c', null, ['Ensure that all tests run successfully before you push.']),
      syntheticSession('sesn_b', null, [terse]),
    ];
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    const prefs = r.changes.filter((c) => c.kind === 'preference');
    expect(prefs).toHaveLength(1);
    expect(prefs[0]!.after).toContain('Ensure that all tests');
  });
});

describe('a command’s output the harness put in the person’s message', () => {
  it('is never their preference, however often it recurs', async () => {
    // the shape of Claude Code's `!` commands: stdout and stderr elements, the stderr over several lines
    const ran = (id: string) =>
      syntheticSession(id, null, [
        `<cmd-stdout></cmd-stdout><cmd-stderr>Touch the security key now\ndeploy: an approval token is required\n</cmd-stderr>`,
        `why did the ${id} deploy stop?`,
      ]);
    const r = await engine.run({
      memories: [],
      sessions: [ran('web'), ran('api'), ran('worker')],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.changes.filter((c) => c.kind === 'preference')).toEqual([]);
  });
});

describeWithData('Aider histories (316 sessions): no junk preference', () => {
  it('neither a one-off request joined on one shared word nor a contrast inside a condition', async () => {
    const imported = await importAll([resolve(DATA, 'formats/aider/chat-history.sessions-000-315.md')]);
    const r = await engine.run({
      memories: [],
      sessions: refsFromImported(imported),
      options: DEFAULT_DREAM_OPTIONS,
    });
    const prefs = r.changes.filter((c) => c.kind === 'preference').map((c) => c.after ?? '');
    expect(prefs.filter((p) => p.includes('content is an array'))).toEqual([]);
    expect(prefs.filter((p) => p.includes('rather than just run as a terminal app'))).toEqual([]);
  });
});

describe('two one-off requests of one unknown person that share words are not one preference', () => {
  /** The preference changes of a dream over one session per statement, the user unknown. */
  async function preferences(said: string[]) {
    const sessions = said.map((t, i) => syntheticSession(`sesn_${i}`, null, [t]));
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    return r.changes.filter((c) => c.kind === 'preference');
  }

  it('stays apart when the shared words come only from the names of the files both are about', async () => {
    expect(
      await preferences([
        'Always read the inputs from `deploy/main.tf` before planning.',
        'Always put the provider block at the top of `deploy/main.tf`.',
      ]),
    ).toEqual([]);
  });

  it('still joins two wordings of one rule said in two sessions', async () => {
    const prefs = await preferences([
      'Always rebuild the search index after the nightly import.',
      'Never skip the search index rebuild after an import.',
    ]);
    expect(prefs).toHaveLength(1);
    expect(prefs[0]!.support.sessions).toBe(2);
  });
});
