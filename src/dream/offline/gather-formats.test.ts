/**
 * Gather on real transcripts of agents whose tools are not called `bash`: the Codex CLI rollout and the
 * OpenHands evaluation output in ../shared/data/formats, imported by their importers (which set each
 * call's `kind` and `command`). Shell calls must be labelled and their errors templated by the program
 * they run, as mini-swe-agent's `bash` calls are (`bash:rm`, `rm: cannot remove …`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../../test/data.js';
import type { SessionEvent } from '../../domain/index.js';
import { parseTranscript } from '../../ingest/index.js';
import type { SessionDigest } from './digest.js';
import { gatherSession } from './gather.js';

const CODEX = resolve(
  DATA,
  'formats/codex-rollout/sessions/2026/05/11/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl',
);
const OPENHANDS = resolve(DATA, 'formats/openhands/multi-swe-bench.output.jsonl');

/** The events of the session `externalId` of a real file, as its importer reads them. */
function sessionEvents(file: string, externalId: string): SessionEvent[] {
  const { sessions } = parseTranscript(file, readFileSync(file, 'utf8'));
  const s = sessions.find((x) => x.external_id === externalId);
  if (!s) throw new Error(`${file}: no session ${externalId}`);
  return s.events;
}

/** The same events with the tool `from` renamed `to` (as another agent would call it), kind kept. */
function renamed(events: readonly SessionEvent[], from: string, to: string): SessionEvent[] {
  return events.map((e) =>
    (e.type === 'agent.tool_use' || e.type === 'agent.tool_result') && e.tool === from
      ? { ...e, tool: to }
      : e,
  );
}

/** A digest's JSON with one tool name replaced, to compare digests of renamed tools. */
function withToolName(d: SessionDigest, from: string, to: string): unknown {
  return JSON.parse(JSON.stringify(d).replaceAll(from, to));
}

describeWithData('gather on real Codex and OpenHands transcripts (tool kinds)', () => {
  it('labels Codex exec_command calls by their command and templates their errors like bash', () => {
    const events = sessionEvents(CODEX, 'codex:019e1625-789d-76c0-80ab-3724b5ddb799');
    const d = gatherSession(events);
    const labels = new Set(d.steps.map((s) => s.label));
    for (const l of ['exec_command:rg', 'exec_command:sed', 'exec_command:git status', 'apply_patch'])
      expect(labels, l).toContain(l);
    // write_stdin (kind shell, no command of its own) polls a running command: labelled by its name
    expect(labels).toContain('write_stdin');
    expect([...labels].filter((l) => l.startsWith('write_stdin:'))).toEqual([]);
    expect(d.errors).toContainEqual(
      expect.objectContaining({
        label: 'exec_command:rg',
        template: 'rg exited non-zero with no output',
        exploration: 'search',
      }),
    );
    const npmTest = d.errors.findIndex((e) => e.label === 'exec_command:npm test');
    expect(d.errors[npmTest]).toMatchObject({ template: expect.stringMatching(/^AssertionError: /) });
    expect(d.recoveries).toContainEqual(
      expect.objectContaining({
        error: npmTest,
        label: 'exec_command:npm test',
        failed_quote: expect.stringMatching(/^npm test -- --run /),
        between: expect.arrayContaining(['apply_patch']),
      }),
    );
  });

  it('labels OpenHands execute_bash calls by their command and templates their errors like bash', () => {
    const d = gatherSession(sessionEvents(OPENHANDS, 'openhands:ponylang__ponyc-4595'));
    expect(d.steps.map((s) => s.label)).toEqual(
      expect.arrayContaining([
        'execute_bash:ls',
        'execute_bash:grep',
        'execute_bash:find',
        'str_replace_editor',
      ]),
    );
    expect(d.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          label: 'execute_bash:make',
          template: 'make: *** [Makefile:<N>: build] Error <N>',
        }),
        expect.objectContaining({ label: 'execute_bash:echo', template: 'bash: ponyc: command not found' }),
      ]),
    );
  });

  it('gives the same digest when the shell tool is called as Cursor or Gemini CLI call it', () => {
    const codex = sessionEvents(CODEX, 'codex:019e1625-789d-76c0-80ab-3724b5ddb799');
    const cursor = gatherSession(renamed(codex, 'exec_command', 'run_terminal_cmd'));
    expect(cursor.steps.map((s) => s.label)).toContain('run_terminal_cmd:rg');
    expect(withToolName(cursor, 'run_terminal_cmd', 'exec_command')).toEqual(gatherSession(codex));
    const openhands = sessionEvents(OPENHANDS, 'openhands:ponylang__ponyc-4595');
    const gemini = gatherSession(renamed(openhands, 'execute_bash', 'run_shell_command'));
    expect(gemini.errors.map((e) => e.label)).toContain('run_shell_command:make');
    expect(withToolName(gemini, 'run_shell_command', 'execute_bash')).toEqual(gatherSession(openhands));
  });
});
