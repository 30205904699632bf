import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { gatherSession } from './gather.js';

const src = { file: 'hand-made' };
let seq = 0;
const ev = {
  sys: (text: string): SessionEvent => ({
    type: 'system.message',
    text,
    seq: seq++,
    timestamp: null,
    source: src,
  }),
  user: (text: string): SessionEvent => ({
    type: 'user.message',
    text,
    seq: seq++,
    timestamp: null,
    source: src,
  }),
  agent: (text: string): SessionEvent => ({
    type: 'agent.message',
    text,
    seq: seq++,
    timestamp: null,
    source: src,
  }),
  use: (tool: string, input: unknown, call_id: string): SessionEvent => ({
    type: 'agent.tool_use',
    tool,
    input,
    call_id,
    seq: seq++,
    timestamp: null,
    source: src,
  }),
  result: (
    call_id: string,
    content: string,
    is_error: boolean,
    tool: string | null = null,
  ): SessionEvent => ({
    type: 'agent.tool_result',
    call_id,
    tool,
    content,
    is_error,
    seq: seq++,
    timestamp: null,
    source: src,
  }),
};

function booking(): SessionEvent[] {
  seq = 0;
  return [
    ev.sys('# Policy\nAlways confirm with the user before booking. Never share other customers data.'),
    ev.user('Book me a flight. Always use my certificate first, please. My password is hunter2hunter2'),
    ev.use('get_user_details', { user_id: 'mia_li_3668' }, 'c1'),
    ev.result('c1', '{"name": "Mia"}', false),
    ev.use('think', { thought: 'compute' }, 'c2'),
    ev.result('c2', '', false),
    ev.use('book_reservation', { payment_methods: [{ payment_id: 'certificate_1', amount: 250 }] }, 'c3'),
    ev.result('c3', 'Error: payment amount does not add up, total price is 255, but paid 250', true),
    ev.use('calculate', { expression: '250 + 5' }, 'c4'),
    ev.result('c4', '255', false),
    ev.use('book_reservation', { payment_methods: [{ payment_id: 'certificate_1', amount: 255 }] }, 'c5'),
    ev.result('c5', '{"reservation_id": "ABC123"}', false),
    ev.result('c-unknown', 'Error: something', true, 'mystery_tool'),
  ];
}

describe('gatherSession', () => {
  it('reads no preference from people talking to each other (two named speakers, no agent turn)', () => {
    seq = 0;
    const rule = 'Always double-check the recipe before you start baking.';
    const talk = gatherSession([ev.user(`Ann: ${rule}`), ev.user('Bob: Sure, I always do that with bread.')]);
    expect(talk.statements).toEqual([]);
    seq = 0;
    // one speaker (or an agent in the session): their words may be a preference
    expect(gatherSession([ev.user(`Ann: ${rule}`)]).statements.length).toBeGreaterThan(0);
    seq = 0;
    const directed = gatherSession([
      ev.user(`Ann: ${rule}`),
      ev.agent('Noted.'),
      ev.user('Bob: Sure, I always do that with bread.'),
    ]);
    expect(directed.statements.length).toBeGreaterThan(0);
  });

  it('reads no opening paragraph of a long conversation pasted from another assistant’s window (s31)', () => {
    // Wordings written for this test, in the shape of blind batch 12 (a person's prompt to Gemini and its
    // reply, pasted whole under speaker headings)
    const lead = 'Do not mark a task complete until you have run it in the browser yourself.';
    const work = 'I set up the invoice module and marked the task complete.';
    const reply = 'I am standing by and ready to help with the invoice module. '.repeat(40);
    const read = (message: string) => {
      seq = 0;
      const d = gatherSession([
        ev.user('Set up the invoice module.'),
        ev.agent(work),
        ev.user(message),
        ev.agent('OK.'),
      ]);
      return d.feedback.filter((f) => f.cue !== 'follows').map((f) => f.text);
    };
    expect(read(`${lead}\n\nGemini\n${reply}`)).toEqual([]);
    expect(read(`${lead}\n\n${reply}`)).toEqual([lead]);
  });

  it('reads a long message’s short opening paragraph for feedback, never the spec pasted under it (s29)', () => {
    // Wordings written for this test
    seq = 0;
    const spec = Array.from(
      { length: 40 },
      (_, i) => `The invoice screen stores amounts as floats; never do that, use integer cents (part ${i}).`,
    ).join('\n');
    const lead = 'Do not mark a task complete until you have run it in the browser yourself.';
    const work = 'I set up the invoice module and marked the task complete.';
    const d = gatherSession([
      ev.user('Set up the invoice module.'),
      ev.agent(work),
      ev.user(`${lead}\n\n${spec}`),
      ev.agent('OK.'),
    ]);
    expect(d.feedback.filter((f) => f.cue !== 'follows').map((f) => f.text)).toEqual([lead]);
    // a long opening paragraph is part of what was pasted
    seq = 0;
    const long = `${lead} ${'Then go through the module list carefully and check every screen twice. '.repeat(6)}`;
    const e = gatherSession([
      ev.user('Set up the invoice module.'),
      ev.agent(work),
      ev.user(`${long}\n\n${spec}`),
      ev.agent('OK.'),
    ]);
    expect(e.feedback.filter((f) => f.cue !== 'follows')).toEqual([]);
  });

  it('extracts error templates with verbatim quotes pointing at the tool result', () => {
    const events = booking();
    const d = gatherSession(events);
    const e = d.errors[0]!;
    expect(e).toMatchObject({
      kind: 'tool_error',
      tool: 'book_reservation',
      template: 'Error: payment amount does not add up, total price is <N>, but paid <N>',
      seq: 7,
      seq_use: 6,
    });
    const target = events[e.seq]!;
    expect(target.type).toBe('agent.tool_result');
    expect(target.type === 'agent.tool_result' && target.content.includes(e.quote)).toBe(true);
    expect(d.errors[1]).toMatchObject({ tool: 'mystery_tool', seq_use: null });
    expect(d.tool_calls).toBe(5);
    expect(d.tool_errors).toBe(2);
  });

  it('pairs the error with the successful retry and what changed', () => {
    const d = gatherSession(booking());
    expect(d.recoveries).toEqual([
      {
        error: 0,
        seq_use: 10,
        seq_result: 11,
        label: 'book_reservation',
        changed: ['payment_methods[].amount'],
        numeric: ['payment_methods[].amount: 250 → 255'],
        between: ['calculate'],
        quote: '{"payment_methods":[{"payment_id":"certificate_1","amount":255}]}',
        // evidence shows what changed, not the whole argument object (issue 8)
        change_quote: 'payment_methods[0].amount: 250 → 255',
      },
    ]);
  });

  it('builds the collapsed tool sequence from successful calls, without trivial tools', () => {
    const d = gatherSession(booking());
    // the failed book_reservation is a mistake, not a workflow step
    expect(d.steps.map((s) => s.label)).toEqual(['get_user_details', 'calculate', 'book_reservation']);
    expect(d.steps[2]!.quote).toContain('"amount":255');
  });

  it('reads no rule, fact or feedback from a slash command, and no preference or fact from a pasted stack trace', () => {
    const control = gatherSession([ev.user('We always deploy from the main branch.')]);
    expect(control.statements.length).toBeGreaterThan(0);
    const slash = [
      ev.user('/web https://docs.example.com'),
      ev.user('/run we always deploy from the main branch'),
    ];
    const d = gatherSession([
      ...slash,
      ev.user(
        'We always deploy from the main branch.\nTraceback (most recent call last):\n  File "app.py", line 3, in <module>\nValueError: bad',
      ),
    ]);
    expect(d.statements).toEqual([]);
    // a correction around pasted output may still be feedback; a slash command never is
    expect(d.feedback.filter((f) => slash.some((e) => e.seq === f.seq))).toEqual([]);
  });

  it('reads no preference from pasted program output, even where a qualified exception line looks like a field', () => {
    const d = gatherSession([
      ev.user(
        'shop.views.loader.TemplateError: while reading /srv/app/views/cart.xml:3\n\nRaw markup not allowed in attribute values, line 4 (cart.xml, line 4)',
      ),
      ev.user('Access Error\n\nYou are not allowed to modify these records.'),
    ]);
    expect(d.statements).toEqual([]);
    // the same sentence typed alone is a rule
    expect(gatherSession([ev.user('You are not allowed to modify these records.')]).statements).toHaveLength(
      1,
    );
  });

  it('takes preferences only from user messages, redacted, and hashes system prompts', () => {
    const d = gatherSession(booking());
    expect(d.statements.map((s) => s.text)).toEqual(['Always use my certificate first, please.']);
    expect(d.statements.every((s) => s.source === 'user.message')).toBe(true);
    expect(d.system_prompts).toHaveLength(1);
    expect(JSON.stringify(d)).not.toContain('Never share');
  });

  it('treats harness complaints after the agent acted as mistakes, recovered by the next good call', () => {
    seq = 0;
    const d = gatherSession([
      ev.sys('You are a helpful assistant.'),
      ev.user('<pr_description>fix it</pr_description>'),
      ev.agent('THOUGHT: two actions\n```bash\nls\n```\n```bash\npwd\n```'),
      ev.sys('Please always provide EXACTLY ONE action in triple backticks, found 2 actions.'),
      ev.use('bash', { command: 'cd /testbed && ls -la' }, 'b1'),
      ev.result('b1', 'total 0', false),
      ev.use('bash', { command: 'python3 repro.py' }, 'b2'),
      ev.result(
        'b2',
        'Traceback (most recent call last):\n  File "repro.py"\nModuleNotFoundError: No module named \'foo\'',
        true,
      ),
      ev.use('bash', { command: 'grep -rn zzz .' }, 'b3'),
      ev.result('b3', '', true),
    ]);
    expect(d.errors.map((e) => [e.kind, e.tool, e.template, e.label])).toEqual([
      [
        'harness',
        '(harness)',
        'Please always provide EXACTLY ONE action in triple backticks, found <N> actions.',
        null,
      ],
      ['tool_error', 'bash', 'ModuleNotFoundError: No module named <VALUE>', 'bash:python'],
      ['tool_error', 'bash', 'grep exited non-zero with no output', 'bash:grep'],
    ]);
    expect(d.recoveries).toHaveLength(1);
    expect(d.recoveries[0]).toMatchObject({ error: 0, seq_use: 4, label: 'bash:ls', between: [] });
    expect(d.system_prompts).toHaveLength(1);
    expect(d.steps.map((s) => s.label)).toEqual(['bash:ls']);
  });

  it('is deterministic and JSON round-trips', () => {
    const a = gatherSession(booking());
    expect(JSON.parse(JSON.stringify(a))).toEqual(gatherSession(booking()));
  });
});

describe('gatherSession: what the fix was', () => {
  it('records the failed shell command, the edits before the retry, and subcommand labels', () => {
    seq = 0;
    const d = gatherSession([
      ev.user('ship it'),
      ev.use('Bash', { command: 'pnpm typecheck' }, 't1'),
      ev.result('t1', "src/a.ts(3,24): error TS2307: Cannot find module './b'", true, 'Bash'),
      ev.use(
        'Edit',
        { file_path: '/x/src/a.ts', old_string: "from './b'", new_string: "from './b.js'" },
        'e1',
      ),
      ev.result('e1', 'The file has been updated.', false, 'Edit'),
      ev.use('Bash', { command: 'pnpm typecheck' }, 't2'),
      ev.result('t2', '', false, 'Bash'),
    ]);
    expect(d.recoveries).toHaveLength(1);
    expect(d.recoveries[0]).toMatchObject({
      label: 'Bash:pnpm typecheck',
      failed_quote: 'pnpm typecheck',
      edits: [{ from: "'./b'", to: "'./b.js'" }],
      between: ['Edit'],
    });
    expect(d.steps.map((s) => s.label)).toEqual(['Edit', 'Bash:pnpm typecheck']);
  });

  it('a rehearsal that succeeds (--dry-run) recovers nothing; the real run after it does', () => {
    seq = 0;
    const d = gatherSession([
      ev.user('publish the package'),
      ev.use('Bash', { command: 'npm publish' }, 'p1'),
      ev.result(
        'p1',
        'npm ERR! code ENEEDAUTH\nnpm ERR! need auth This command requires you to be logged in.',
        true,
        'Bash',
      ),
      ev.use('Bash', { command: 'npm publish --dry-run' }, 'p2'),
      ev.result('p2', 'npm notice Tarball Contents', false, 'Bash'),
      ev.use('Bash', { command: 'npm login' }, 'p3'),
      ev.result('p3', 'Logged in', false, 'Bash'),
      ev.use('Bash', { command: 'npm publish' }, 'p4'),
      ev.result('p4', '+ pkg@1.0.0', false, 'Bash'),
    ]);
    expect(d.recoveries).toHaveLength(1);
    expect(d.recoveries[0]).toMatchObject({ seq_use: 7, failed_quote: 'npm publish' });
  });

  it('names the other tool that succeeded when the failing one never did', () => {
    seq = 0;
    const d = gatherSession([
      ev.user('cancel #W1'),
      ev.use('get_order', { order_id: '#W1' }, 'g'),
      ev.result('g', '{"status":"shipped"}', false, 'get_order'),
      ev.use('cancel_order', { order_id: '#W1' }, 'c'),
      ev.result('c', 'Error: order #W1 has already shipped and cannot be cancelled', true, 'cancel_order'),
      ev.use('return_order', { order_id: '#W1' }, 'r'),
      ev.result('r', '{"rma":"RMA-1"}', false, 'return_order'),
    ]);
    expect(d.recoveries).toEqual([
      expect.objectContaining({ error: 0, label: 'return_order', alt: true, seq_use: 5, seq_result: 6 }),
    ]);
    expect(d.steps.map((s) => s.label)).toEqual(['get_order', 'return_order']);
  });

  it("reads the importer's kind: an unknown tool of kind shell is a shell call, an edit kind's patch is an edit", () => {
    seq = 0;
    const shell = (tool: string, command: string, call_id: string): SessionEvent => ({
      ...(ev.use(tool, { args: [command] }, call_id) as Extract<SessionEvent, { type: 'agent.tool_use' }>),
      kind: 'shell',
      command,
    });
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/todo.ts',
      '@@ export const paths = [',
      "-  'srcx',",
      "+  'src',",
      ' ];',
      '*** End Patch',
    ].join('\n');
    const d = gatherSession([
      ev.user('find the TODOs'),
      shell('acme_exec', 'rg -n TODO srcx', 'x1'),
      ev.result('x1', '', true),
      {
        ...(ev.use('acme_patch', patch, 'p1') as Extract<SessionEvent, { type: 'agent.tool_use' }>),
        kind: 'edit',
      },
      ev.result('p1', 'Success. Updated the following files: M src/todo.ts', false),
      shell('acme_exec', 'rg -n TODO src', 'x2'),
      ev.result('x2', 'src/a.ts:3: // TODO', false),
    ]);
    expect(d.errors).toEqual([
      expect.objectContaining({
        label: 'acme_exec:rg',
        template: 'rg exited non-zero with no output',
        exploration: 'search',
      }),
    ]);
    expect(d.recoveries).toEqual([
      expect.objectContaining({
        label: 'acme_exec:rg',
        failed_quote: 'rg -n TODO srcx',
        quote: 'rg -n TODO src',
        between: ['acme_patch'],
        edits: [{ from: "'srcx',", to: "'src'," }],
      }),
    ]);
    expect(d.steps.map((s) => s.label)).toEqual(['acme_patch', 'acme_exec:rg']);
  });

  it("counts a script added by an apply_patch edit as the agent's own code when running it fails", () => {
    seq = 0;
    const patch = '*** Begin Patch\n*** Add File: scripts/repro_bug.py\n+print(1 / 0)\n*** End Patch';
    const d = gatherSession([
      ev.user('reproduce the crash'),
      {
        ...(ev.use('apply_patch', patch, 'p1') as Extract<SessionEvent, { type: 'agent.tool_use' }>),
        kind: 'edit',
      },
      ev.result('p1', 'Success. Updated the following files: A scripts/repro_bug.py', false),
      {
        ...(ev.use('exec_command', { cmd: 'python scripts/repro_bug.py' }, 'x1') as Extract<
          SessionEvent,
          { type: 'agent.tool_use' }
        >),
        kind: 'shell',
        command: 'python scripts/repro_bug.py',
      },
      ev.result('x1', 'ZeroDivisionError: division by zero', true),
    ]);
    expect(d.errors).toEqual([
      expect.objectContaining({ label: 'exec_command:python', exploration: 'own-code' }),
    ]);
  });

  it('reads typed facts from user messages, without discourse openers', () => {
    seq = 0;
    const d = gatherSession([ev.user('Also, FYI the staging database host is db-staging-2.internal.')]);
    expect(d.facts).toEqual([
      expect.objectContaining({
        subject: 'stag db',
        type: 'host',
        value: 'db-staging-2.internal',
        raw: 'db-staging-2.internal',
        text: 'the staging database host is db-staging-2.internal.',
      }),
    ]);
  });
});
