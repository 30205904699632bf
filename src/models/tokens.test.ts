import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { itWithData, TAU } from '../../test/data.js';
import { estimateRequestTokens, estimateTokens, TOKENS_PER_MESSAGE } from './tokens.js';

describe('estimateTokens', () => {
  it('counts ASCII at 3.5 characters per token and other code points one each', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcdefg')).toBe(2);
    expect(estimateTokens('日本語のテキスト')).toBe(8);
    expect(estimateTokens('café')).toBe(2);
  });

  itWithData('leans above the 4-characters-per-token rule on the real τ-bench transcripts', () => {
    const runs = JSON.parse(readFileSync(TAU, 'utf8')) as Array<{ traj: Array<{ content: unknown }> }>;
    const texts = runs.flatMap((r) => r.traj.map((m) => (typeof m.content === 'string' ? m.content : '')));
    const chars = texts.reduce((n, t) => n + t.length, 0);
    const tokens = texts.reduce((n, t) => n + estimateTokens(t), 0);
    expect(chars).toBeGreaterThan(1_000_000);
    expect(tokens).toBeGreaterThanOrEqual(Math.ceil(chars / 4));
    expect(tokens).toBeLessThanOrEqual(Math.ceil(chars / 3) + texts.length);
  });
});

describe('estimateRequestTokens', () => {
  it('adds system, turns, schema and per-message overhead, and reports the output cap', () => {
    const base = {
      system: '',
      messages: [],
      schema: z.object({ fix: z.string() }),
      schemaName: 'fix',
      maxOutputTokens: 300,
    };
    const empty = estimateRequestTokens(base).input_tokens;
    const turn = 'Error: flight not available on 2024-05-20';
    const withTurn = estimateRequestTokens({ ...base, messages: [{ role: 'user', content: turn }] });
    expect(withTurn).toEqual({
      input_tokens: empty + TOKENS_PER_MESSAGE + estimateTokens(turn),
      max_output_tokens: 300,
    });
    const withSystem = estimateRequestTokens({ ...base, system: 'You write lessons.' });
    expect(withSystem.input_tokens).toBe(empty + TOKENS_PER_MESSAGE + estimateTokens('You write lessons.'));
    const bigger = estimateRequestTokens({
      ...base,
      schema: z.object({ fix: z.string(), cause: z.string(), steps: z.array(z.string()) }),
    });
    expect(bigger.input_tokens).toBeGreaterThan(empty);
  });
});
