import { describe, expect, it } from 'vitest';
import { type CliIO, humanIO, MAX_ERR_LINE, oneLine, printable, progressLine, table } from './output.js';

describe('printable (issue 7 item 16)', () => {
  it('escapes terminal controls, C1, lone CR and bidi overrides; keeps LF, tab and CRLF', () => {
    expect(printable('a\x1b]0;pwned\x07b\x1b[2Jc')).toBe('a\\x1b]0;pwned\\x07b\\x1b[2Jc');
    expect(printable('x\x9b31my\x7f')).toBe('x\\x9b31my\\x7f');
    expect(printable('over\rwrite')).toBe('over\\x0dwrite');
    expect(printable('crlf\r\nline\tok\n')).toBe('crlf\r\nline\tok\n');
    expect(printable('abc\u202edef')).toBe('abc\\u202edef');
    const clean = 'plain text, ünïcødé 🙂';
    expect(printable(clean)).toBe(clean);
  });

  it('cuts each long line in the middle, keeping head and tail', () => {
    const long = `head ${'x'.repeat(5_000_000)} tail`;
    const out = printable(`short\n${long}\nend`, 1000);
    const lines = out.split('\n');
    expect(lines[0]).toBe('short');
    expect(lines[2]).toBe('end');
    expect(lines[1]!.length).toBeLessThanOrEqual(1000);
    expect(lines[1]).toMatch(/^head x+…\[\d+ characters cut\]…x+ tail$/);
    const removed = Number(/\[(\d+) characters cut\]/.exec(lines[1]!)![1]);
    expect(lines[1]!.length - `…[${removed} characters cut]…`.length + removed).toBe(long.length);
  });

  it('oneLine escapes line breaks too and caps the value', () => {
    expect(oneLine('a\nb\tc')).toBe('a\\x0ab\\x09c');
    expect(oneLine('y'.repeat(1000), 100).length).toBeLessThanOrEqual(100);
  });

  it('table cells are escaped before alignment', () => {
    expect(table(['id', 'title'], [['s1', 'evil\x1b[31m\nred']])).toBe(
      'id  title\ns1  evil\\x1b[31m\\x0ared\n',
    );
  });

  it('humanIO escapes out and err, caps err lines, leaves --json stdout and progress control raw', () => {
    const got = { out: '', err: '', control: '' };
    const raw: CliIO = {
      out: (t) => (got.out += t),
      err: (t) => (got.err += t),
      control: (t) => (got.control += t),
      isTTY: true,
    };
    const io = humanIO(raw);
    io.out('t\x1b[2J\n');
    io.err(`e ${'z'.repeat(10_000)}\n`);
    expect(got.out).toBe('t\\x1b[2J\n');
    expect(got.err.trimEnd().length).toBeLessThanOrEqual(MAX_ERR_LINE);
    humanIO(raw, true).out('{"a":"\u009b"}');
    expect(got.out.endsWith('{"a":"\u009b"}')).toBe(true);
    const bar = progressLine(io, 'importing');
    bar.note('file \x1b[31mred.jsonl');
    expect(got.control).toBe('\r\x1b[2Kfile \\x1b[31mred.jsonl');
  });
});
