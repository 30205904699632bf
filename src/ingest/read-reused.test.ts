import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUDE_CODE, itWithData } from '../../test/data.js';
import { ImportError } from '../domain/index.js';
import { importTranscripts, readTranscriptFile } from './index.js';
import { readRegularFileReused } from './read-transcript.js';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'reverie-reused-'));
}

describe('readRegularFileReused', () => {
  it('reads each file whole into one reused buffer, a smaller file after a bigger one without its tail', () => {
    const dir = scratch();
    const big = join(dir, 'big.jsonl');
    const small = join(dir, 'small.jsonl');
    const bigger = join(dir, 'bigger.jsonl');
    writeFileSync(big, 'a'.repeat(3 * 1024 * 1024)); // beyond any first buffer: grown to fit
    writeFileSync(small, 'small\n');
    writeFileSync(bigger, `${'b'.repeat(5 * 1024 * 1024)}é`);
    const a = readRegularFileReused(big);
    expect(a.length).toBe(3 * 1024 * 1024);
    expect(a.toString('latin1')).toBe(readFileSync(big, 'latin1'));
    const b = readRegularFileReused(small);
    expect(b.toString('utf8')).toBe('small\n');
    // the same memory as the bigger file before it: no allocation per file
    expect(b.buffer).toBe(a.buffer);
    const c = readRegularFileReused(bigger);
    expect(c.equals(readFileSync(bigger))).toBe(true);
    expect(readRegularFileReused(small).toString('utf8')).toBe('small\n');
  });

  it('refuses what is not a regular file by name, as readRegularFileSync does', () => {
    const dir = scratch();
    const fifo = join(dir, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    expect(() => readRegularFileReused(fifo)).toThrow(ImportError);
    expect(() => readRegularFileReused(fifo)).toThrow(/pipe\.jsonl: not a regular file \(a FIFO\)/);
    expect(() => readRegularFileReused(dir)).toThrow(/not a regular file \(a folder\)/);
    expect(() => readRegularFileReused(join(dir, 'none.jsonl'))).toThrow(/no such file or directory/);
  });
});

describe('importTranscripts reading into the reused buffer', () => {
  itWithData('imports the real Claude Code folder exactly as reading each file on its own does', async () => {
    // Sorted by size, largest first, so that every file after the first is read into a buffer that
    // still holds the end of a bigger file.
    const files = readdirSync(CLAUDE_CODE, { recursive: true, encoding: 'utf8' })
      .map((f) => join(CLAUDE_CODE, f))
      .filter((f) => f.endsWith('.jsonl'))
      .sort((x, y) => statSync(y).size - statSync(x).size);
    expect(files.length).toBeGreaterThan(5);
    let n = 0;
    for (const file of files) {
      for await (const r of importTranscripts([file])) {
        if ('error' in r) throw r.error;
        expect(r.sessions).toEqual(readTranscriptFile(file).sessions);
        n++;
      }
    }
    expect(n).toBe(files.length);
  });
});
