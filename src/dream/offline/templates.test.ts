import { describe, expect, it } from 'vitest';
import { errorSignature, errorTemplate, isVacuousTemplate, maskVariables } from './templates.js';

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
