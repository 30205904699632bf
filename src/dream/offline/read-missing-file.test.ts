import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { gatherSession } from './gather.js';

let seq = 0;
const base = () => ({ seq: seq++, timestamp: null, source: { file: 'hand-made' } });
const use = (tool: string, input: unknown, call_id: string): SessionEvent => ({
  type: 'agent.tool_use',
  tool,
  input,
  call_id,
  ...base(),
});
const result = (call_id: string, content: string, is_error: boolean): SessionEvent => ({
  type: 'agent.tool_result',
  call_id,
  tool: null,
  content,
  is_error,
  ...base(),
});

describe('a structured call that only names a file to read (no kind, or `memory`, from the importer)', () => {
  it('failing on a file not written yet is exploration, not an avoidable mistake', () => {
    const d = gatherSession([
      use('fetch_doc', { file_path: '/notes/customers/C-17.md' }, 'r1'),
      result('r1', 'cat: /notes/customers/C-17.md: No such file or directory', true),
      use('fetch_doc', { file_path: '/notes/customers/C-17.md', content: '# C-17\n' }, 'w1'),
      result('w1', 'File created', false),
    ]);
    expect(d.errors).toEqual([expect.objectContaining({ exploration: 'search' })]);
  });

  it('so is a read of a memory file not written yet (kind `memory`)', () => {
    const read = use('read', { file_path: '/memory/customers/C-18.md' }, 'm1');
    const d = gatherSession([
      { ...(read as Extract<SessionEvent, { type: 'agent.tool_use' }>), kind: 'memory' },
      result('m1', 'awk: cannot open "/memory/customers/C-18.md" (No such file or directory)', true),
    ]);
    expect(d.errors).toEqual([expect.objectContaining({ exploration: 'search' })]);
  });

  it('a call that writes (path plus content) or takes other arguments is still judged as before', () => {
    const d = gatherSession([
      use('store_doc', { file_path: '/notes/x.md', content: 'x' }, 'w1'),
      result('w1', 'No such file or directory', true),
      use('lookup', { file_path: '/notes/x.md', account: 'C-17' }, 'l1'),
      result('l1', 'No such file or directory', true),
    ]);
    expect(d.errors.map((e) => e.exploration)).toEqual([undefined, undefined]);
  });
});
