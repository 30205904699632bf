import { describe, expect, it } from 'vitest';
import { parseTranscript } from './index.js';

/**
 * Claude Code's result of a call the person rejected while typing how to go on (structure and harness
 * wording as in real project files of Claude Code 2.x; the person's words here are written for this test).
 */
const NOTICE =
  "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:\n";

function file(said: string): string {
  const base = {
    sessionId: '4a5b6c7d-0000-4000-8000-0000000000aa',
    cwd: '/home/dev/dots',
    timestamp: '2026-01-03T09:00:00Z',
  };
  return `${[
    { ...base, type: 'user', uuid: 'u1', message: { role: 'user', content: 'bind btop to a key' } },
    {
      ...base,
      type: 'assistant',
      uuid: 'a1',
      message: {
        id: 'msg_1',
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'toolu_1',
            name: 'Edit',
            input: { file_path: '/home/dev/.config/keys.conf' },
          },
        ],
      },
    },
    {
      ...base,
      type: 'user',
      uuid: 'u2',
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: `${NOTICE}${said}`, is_error: true },
        ],
      },
    },
    {
      ...base,
      type: 'assistant',
      uuid: 'a2',
      message: {
        id: 'msg_2',
        role: 'assistant',
        content: [{ type: 'text', text: 'Using that key instead.' }],
      },
    },
  ]
    .map((o) => JSON.stringify(o))
    .join('\n')}\n`;
}

describe('Claude Code: a call the person rejected with words', () => {
  it('keeps the rejection as the failed result and the words as the person’s message after it', () => {
    const [s] = parseTranscript(
      '4a5b6c7d-0000-4000-8000-0000000000aa.jsonl',
      file('use super shift t for it instead'),
    ).sessions;
    expect(s!.events.map((e) => [e.type, 'text' in e ? e.text : 'content' in e ? e.content : ''])).toEqual([
      ['user.message', 'bind btop to a key'],
      ['agent.tool_use', ''],
      ['agent.tool_result', NOTICE.trimEnd()],
      ['user.message', 'use super shift t for it instead'],
      ['agent.message', 'Using that key instead.'],
    ]);
  });

  it('leaves words Claude Code wrote itself inside the result', () => {
    const said = 'The user wants to clarify these questions.';
    const [s] = parseTranscript('4a5b6c7d-0000-4000-8000-0000000000aa.jsonl', file(said)).sessions;
    const result = s!.events.find((e) => e.type === 'agent.tool_result');
    expect(result && 'content' in result && result.content).toBe(`${NOTICE}${said}`);
    expect(s!.events.filter((e) => e.type === 'user.message')).toHaveLength(1);
  });
});
