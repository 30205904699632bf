import { describe, expect, it } from 'vitest';
import { DATA, describeWithData } from '../../../test/data.js';
import type { SessionEvent } from '../../domain/index.js';
import { allCorpusLabels } from '../../eval/labels/schema.js';
import { runEval } from '../../eval/runner.js';
import { renderMemoryFile } from './curate.js';
import { mineFeedback } from './feedback-mining.js';
import { gatherSession } from './gather.js';
import type { GatheredSession } from './plan.js';
import { extractProjectFacts, mineProjectFacts } from './project-facts.js';

const stated = (text: string, afterAgent = true) =>
  extractProjectFacts(text, afterAgent).map((f) => [f.type, f.text]);

describe('extractProjectFacts', () => {
  it('finds identities, locations, test commands and a "not A. It is B." correction', () => {
    expect(stated('requestId is the same as traceId. Use the same value for both.')).toEqual([
      ['project', 'requestId is the same as traceId.'],
    ]);
    expect(stated('The fixtures live in test/data/golden.')).toEqual([
      ['reference', 'The fixtures live in test/data/golden.'],
    ]);
    expect(stated('The integration tests run with `make itest`.')).toEqual([
      ['reference', 'The integration tests run with `make itest`.'],
    ]);
    expect(stated("it's not a YAML file. it's a TOML file with a [deploy] table in it.")).toEqual([
      ['project', "it's not a YAML file. it's a TOML file with a [deploy] table in it."],
    ]);
  });

  it('where a thing is, named by a folder, directory or repo, or by a path; never a bare "X is in Y"', () => {
    expect(stated('the dotfiles are in the Projects folder')).toEqual([
      ['reference', 'the dotfiles are in the Projects folder'],
    ]);
    expect(stated('homelab is our repo and local checkout (code\\homelab)')).toEqual([
      ['reference', 'homelab is our repo and local checkout (code\\homelab)'],
    ]);
    for (const t of ['the bug is in the parser', 'it is in the other folder', 'that file is in the repo'])
      expect(stated(t), t).toEqual([]);
  });

  it('never a hedge, a question, the speaker’s own case, or a correction before the agent acted', () => {
    for (const t of [
      'I think requestId is exactly the same as traceId and it might be redundant.',
      'Is requestId the same as traceId?',
      'Maybe the fixtures live in test/data.',
      'My notes are stored in the wiki.',
      'It is the same as before.',
      'The passenger details are the same as before: Aarav Ahmed and Daiki Li.',
      'The shipping address is the same as last time.',
    ])
      expect(stated(t), t).toEqual([]);
    expect(stated("it's not a YAML file. it's a TOML file with a deploy table.", false)).toEqual([]);
    // "not A" with nothing named after it is no fact
    expect(stated("it's not phase one. it's fine.")).toEqual([]);
  });
});

let seq = 0;
const ev = (type: 'user.message' | 'agent.message', text: string): SessionEvent => ({
  type,
  seq: seq++,
  timestamp: null,
  source: { file: 'x.jsonl', line: seq },
  text,
});

function session(id: string, events: SessionEvent[], subagent = false): GatheredSession {
  return {
    id,
    agent_id: 'coder',
    user_id: null,
    content_sha256: id,
    outcome: 'unknown',
    family: null,
    subagent,
    time: '2026-11-01T00:00:00Z',
    digest: gatherSession(events),
  };
}

describe('project facts across sessions', () => {
  it('one fact memory with type project, confidence 0.5 from one session, reinforced by another; never feedback', () => {
    seq = 0;
    const a = session('sesn_a', [
      ev('agent.message', 'I will store the trace id separately.'),
      ev('user.message', 'requestId is the same as traceId.'),
    ]);
    const b = session('sesn_b', [
      ev('agent.message', 'Added a traceId column.'),
      ev('user.message', 'requestId is exactly the same as traceId.'),
    ]);
    const sub = session('sesn_sub', [ev('user.message', 'The fixtures live in test/data/golden.')], true);
    const one = mineProjectFacts([a]).memories;
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ kind: 'fact', type: 'project', confidence: 0.5 });
    expect(renderMemoryFile(one[0]!)).toMatch(/^---\nkind: fact\ntype: project\n/);
    const both = mineProjectFacts([a, b, sub]).memories;
    expect(both).toHaveLength(1);
    expect(both[0]).toMatchObject({ support: { sessions: 2 }, confidence: 0.6 });
    expect(mineFeedback([a, b]).memories).toEqual([]);
  });

  it('a fact the person takes back is not kept', () => {
    seq = 0;
    const s = session('sesn_c', [
      ev('agent.message', 'Done.'),
      ev('user.message', 'The fixtures live in test/data/golden.'),
      ev('agent.message', 'Noted.'),
      ev('user.message', 'Never mind, scratch that.'),
    ]);
    expect(mineProjectFacts([s]).memories).toEqual([]);
  });
});

describeWithData('project facts on real Claude Code sessions', () => {
  it('finds the labelled project facts, and every fact proposed there is correct', async () => {
    const labels = allCorpusLabels().find((l) => l.corpus === 'claude-code')!;
    const r = await runEval('real', { corpora: [labels], dataDir: DATA });
    const cc = r.real!.corpora[0]!;
    const facts = cc.proposals.filter((p) => p.kind === 'fact');
    expect(facts.filter((p) => p.verdict !== 'correct').map((p) => [p.path, p.verdict])).toEqual([]);
    const wanted = labels.patterns.filter((l) => l.kind === 'project' && l.required).map((l) => l.id);
    expect(wanted.length).toBeGreaterThan(0);
    expect(wanted.filter((id) => !cc.found.includes(id))).toEqual([]);
  }, 60_000);
});
