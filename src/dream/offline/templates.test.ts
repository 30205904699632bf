import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';
import {
  errorSignature,
  errorTemplate,
  instructsAgent,
  isInstruction,
  isVacuousTemplate,
  maskVariables,
} from './templates.js';

describe('maskVariables', () => {
  it('masks ids, dates and numbers in τ-bench errors', () => {
    expect(maskVariables('Error: flight HAT030 not available on date 2024-05-13')).toBe(
      'Error: flight <ID> not available on date <DATE>',
    );
    expect(maskVariables('Error: payment amount does not add up, total price is 4875, but paid 1625')).toBe(
      'Error: payment amount does not add up, total price is <N>, but paid <N>',
    );
    expect(maskVariables('Error: not enough balance in payment method gift_card_5094406')).toBe(
      'Error: not enough balance in payment method <ID>',
    );
    expect(maskVariables('Error: not enough seats on flight HAT290')).toBe(
      'Error: not enough seats on flight <ID>',
    );
  });

  it('masks quoted values, paths, uuids and hex but keeps apostrophes', () => {
    expect(maskVariables("ModuleNotFoundError: No module named 'reproduce_app'")).toBe(
      'ModuleNotFoundError: No module named <VALUE>',
    );
    expect(maskVariables("python: can't open file '/testbed/x.py': [Errno 2] No such file")).toBe(
      "python: can't open file <VALUE>: [Errno <N>] No such file",
    );
    expect(maskVariables('cat: /etc/foo/bar.txt: No such file or directory')).toBe(
      'cat: <PATH>: No such file or directory',
    );
    expect(maskVariables('job 123e4567-e89b-12d3-a456-426614174000 failed at 0x7ffe and deadbeef12')).toBe(
      'job <UUID> failed at <HEX> and <HEX>',
    );
  });

  it('gives the same template for the same error with different values', () => {
    const a = maskVariables('Error: flight HAT030 not available on date 2024-05-13');
    const b = maskVariables('Error: flight HAT223 not available on date 2024-05-14');
    expect(a).toBe(b);
  });
});

describe('instructsAgent', () => {
  const says = (content: string) => instructsAgent(content, errorSignature(content));
  it('is true when the line that names the error goes on to tell the agent what to do', () => {
    // Claude Code's Write and Read refusals, as they read in real sessions
    expect(says('File has not been read yet. Read it first before writing to it.')).toBe(true);
    expect(
      says(
        'File content (30000 tokens) exceeds maximum allowed tokens (25000). Please use offset and limit parameters to read specific portions of the file.',
      ),
    ).toBe(true);
  });
  it('is false for a failure alone, or advice on another line', () => {
    expect(says('String to replace not found in file.')).toBe(false);
    expect(says('ENOENT: no such file or directory, open /w/a.ts')).toBe(false);
    expect(
      says('Edit rejected: invalid syntax at line 3.\nDo not submit the failed edit a second time.'),
    ).toBe(false);
  });
});

describe('errorSignature', () => {
  it('takes the last exception line of a traceback', () => {
    const out = [
      'Traceback (most recent call last):',
      '  File "x.py", line 3, in <module>',
      '    import foo',
      "ModuleNotFoundError: No module named 'foo'",
    ].join('\n');
    const sig = errorSignature(out);
    expect(sig.line).toBe("ModuleNotFoundError: No module named 'foo'");
    expect(out.slice(sig.offset, sig.offset + sig.line.length)).toBe(sig.line);
  });

  it('prefers a FAILED summary over trailing noise', () => {
    const sig = errorSignature(
      "Ran 3 tests\n\nFAILED (errors=1)\nDestroying test database for alias 'default'...",
    );
    expect(sig.line).toBe('FAILED (errors=1)');
  });

  it('ignores harness wrapper tags and handles empty output', () => {
    expect(errorSignature('<returncode>1</returncode>\n<output>\nboom: failed\n</output>').line).toBe(
      'boom: failed',
    );
    expect(errorTemplate('').template).toBe('(no output)');
    expect(isVacuousTemplate('<N> <ID>')).toBe(true);
    expect(isVacuousTemplate('Error: not enough seats')).toBe(false);
  });
});

// An editor harness's rejection, in the shape SWE-agent writes (wordings written for this test): what
// went wrong, a bare plural heading over the lint errors, the file as it would have been, then
// instructions to the agent — one of them with "failed" and "error" in it.
function rejectedEdit(lint: string): string {
  return [
    'Your edit would leave the file with invalid syntax. Please look at the problems below and edit again.',
    '',
    'ERRORS:',
    `- ${lint}`,
    '',
    'The file would have looked like this:',
    '12:    total = compute(values)',
    '13:        return total',
    'The file was left unchanged. Fix the edit and submit it again.',
    'Do not submit the failed edit a second time. Submitting it again gives the same error.',
  ].join('\n');
}

describe('instructions to the agent inside an error output', () => {
  it('are never the error: the lint line under the ERRORS: heading names it', () => {
    const out = rejectedEdit('E113 unexpected indentation');
    const sig = errorSignature(out);
    expect(sig.line).toBe('- E113 unexpected indentation');
    expect(out.slice(sig.offset, sig.offset + sig.line.length)).toBe(sig.line);
    expect(errorTemplate(rejectedEdit('F401 undefined name x')).template).not.toBe(
      errorTemplate(out).template,
    );
  });

  it('a line is cut before its first instruction; one that opens with an instruction is passed over', () => {
    expect(errorSignature('Config has not been loaded yet. Load it before you write to it.').line).toBe(
      'Config has not been loaded yet.',
    );
    const out =
      'Upload rejected: quota exceeded\nDo not retry the failed upload; it fails with the same error.';
    expect(errorSignature(out).line).toBe('Upload rejected: quota exceeded');
    // nothing else left: the instruction stays (no empty template)
    expect(errorSignature('Please fix the failing command.').line).toBe('Please fix the failing command.');
  });

  it('tells instructions from failures named by a verb', () => {
    for (const s of [
      'DO NOT re-run the same failed edit command.',
      "Don't run the installer twice.",
      'Please retry with a smaller batch.',
      'Read it first before writing to it.',
      'Edit the file again if necessary.',
      'Stop what you are doing and wait.',
    ])
      expect(isInstruction(s), s).toBe(true);
    for (const s of [
      'File has not been read yet.',
      'Compile error: missing semicolon',
      'Update failed: conflict',
      'Read timed out.',
      'Build failed with 2 errors',
      'Permission denied',
      'Running it again will lead to the same error.',
      'Your changes have NOT been applied.',
    ])
      expect(isInstruction(s), s).toBe(false);
  });
});

describe('a dream over rejected edits', () => {
  const engine = createOfflineEngine();
  // the file formatted before the retry: the fix is more than the same call sent again or a second look
  // at the file (mistakes.ts onlyRetried)
  const VIEW = {
    tool: 'format',
    kind: 'edit' as const,
    input: { path: 'total.py' },
    result: 'Reformatted.',
  };
  const session = (id: string, lint: string) =>
    syntheticSession(id, null, [
      `Fix the total in ${id}.py`,
      {
        tool: 'edit',
        kind: 'edit',
        input: { text: 'return total' },
        result: rejectedEdit(lint),
        error: true,
      },
      VIEW,
      { tool: 'edit', kind: 'edit', input: { text: '    return total' }, result: 'File updated.' },
    ]);

  it('never proposes the harness’s instruction as the mistake; different lint errors stay apart', async () => {
    const sessions = [
      session('sesn_a', 'E113 unexpected indentation'),
      session('sesn_b', 'F401 undefined name x'),
    ];
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
  });

  it('names a recurring one by what went wrong, never by the instruction below it', async () => {
    // no lint list: the only other line with an error word is the harness's instruction
    const plain = (id: string, line: number) =>
      syntheticSession(id, null, [
        `Fix the total in ${id}.py`,
        {
          tool: 'edit',
          kind: 'edit',
          input: { text: 'return total' },
          result: [
            `Edit rejected: invalid syntax at line ${line}.`,
            `${line}:        return total`,
            'Do not submit the failed edit a second time. Submitting it again gives the same error.',
          ].join('\n'),
          error: true,
        },
        VIEW,
        { tool: 'edit', kind: 'edit', input: { text: '    return total' }, result: 'File updated.' },
      ]);
    const r = await engine.run({
      memories: [],
      sessions: [plain('sesn_a', 13), plain('sesn_b', 40)],
      options: DEFAULT_DREAM_OPTIONS,
    });
    const mistakes = r.changes.filter((c) => c.kind === 'mistake');
    expect(mistakes).toHaveLength(1);
    expect(mistakes[0]!.after).toContain('Edit rejected: invalid syntax at line <N>');
    expect(mistakes[0]!.after).not.toContain('Do not submit');
  });

  it('names a recurring one by its lint line', async () => {
    const sessions = [
      session('sesn_a', 'E113 unexpected indentation'),
      session('sesn_b', 'E113 unexpected indentation'),
    ];
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    const mistakes = r.changes.filter((c) => c.kind === 'mistake');
    expect(mistakes).toHaveLength(1);
    expect(mistakes[0]!.after).toContain('unexpected indentation');
    expect(mistakes[0]!.after).not.toContain('Do not submit');
  });
});

// Output shapes of tools that name no error with a marker word (wordings written for these tests).
describe('an output whose lines carry no error marker', () => {
  it('is named by its first line, not by the usage, hints or commands printed after it', () => {
    const usage =
      'Exit code 1\nlsx: unrecognized option: z\nUsage: lsx [-al]\n\nList entries\n\n\tl\tLong listing';
    expect(errorSignature(usage).line).toBe('lsx: unrecognized option: z');
    const hints =
      'The following paths are skipped by a rule in .syncignore:\nbuild/out.bin\nhint: Use --force to add them anyway.';
    expect(errorSignature(hints).line).toBe('The following paths are skipped by a rule in .syncignore:');
  });

  it('passes over code echoes, caret underlines and bare positions', () => {
    const parse = [
      'At line:3 char:9',
      '+ while ( ) {',
      '+        ~',
      "Unexpected token ')' in expression or statement.",
      '    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException',
      '    + FullyQualifiedErrorId : UnexpectedToken',
    ].join('\n');
    expect(errorSignature(parse).line).toBe("Unexpected token ')' in expression or statement.");
  });

  it('still ends a traceback at its exception, whatever the class is called', () => {
    const tb = [
      'Traceback (most recent call last):',
      '  File "run.py", line 3, in <module>',
      '    start()',
      'confkit.settings.NotConfigured: setting PORT is read before the settings are loaded',
    ].join('\n');
    expect(errorSignature(tb).line).toBe(
      'confkit.settings.NotConfigured: setting PORT is read before the settings are loaded',
    );
  });

  it('drops terminal colour codes from the template', () => {
    expect(maskVariables('\u001b[1;31mBuild stopped: 3 secrets found\u001b[0m')).toBe(
      'Build stopped: <N> secrets found',
    );
  });
});

// Wordings written for this test, in the shape of Claude Code's input-schema refusals.
describe('instructsAgent: Claude Code’s refusal of a call whose input does not match the schema', () => {
  it('names the parameter to mend, so it instructs (either form)', () => {
    for (const content of [
      'InputValidationError: NoteCreate failed due to the following issue:\nThe required parameter `title` is missing',
      'InputValidationError: [\n  {\n    "code": "invalid_type",\n    "path": ["items", 0, "label"]\n  }\n]',
    ])
      expect(instructsAgent(content, errorTemplate(content).signature), content).toBe(true);
    const other = 'Error: connect ECONNREFUSED 127.0.0.1:5432';
    expect(instructsAgent(other, errorTemplate(other).signature)).toBe(false);
  });
});
