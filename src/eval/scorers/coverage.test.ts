import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { errorTemplate, maskVariables, scoreCoverage, signatureLine, templateSegments } from './coverage.js';
import { scanSecrets } from './secret-patterns.js';

function err(seq: number, content: string): SessionEvent {
  return {
    type: 'agent.tool_result',
    seq,
    timestamp: null,
    source: { file: 'x' },
    call_id: `c${seq}`,
    tool: 't',
    content,
    is_error: true,
  };
}

describe('masking and templates', () => {
  it('masks ids, numbers, dates, quotes and paths', () => {
    expect(maskVariables('Error: flight HAT030 not available on date 2024-05-13')).toBe(
      'error: flight <id> not available on date <date>',
    );
    expect(maskVariables('Error: payment amount does not add up, total price is 305, but paid 255')).toBe(
      'error: payment amount does not add up, total price is <n> , but paid <n>',
    );
    expect(maskVariables('Error: not enough balance in payment method gift_card_5094406')).toBe(
      'error: not enough balance in payment method <id>',
    );
    expect(maskVariables("ModuleNotFoundError: No module named 'foo' in /usr/lib/python3/x.py")).toBe(
      'modulenotfounderror: no module named <q> in <path>',
    );
  });
  it('picks the last error-looking line as the signature', () => {
    expect(
      signatureLine('Traceback (most recent call last):\n  File "x.py"\nValueError: bad value 3\n'),
    ).toBe('ValueError: bad value 3');
    expect(signatureLine('\n\nplain output\n')).toBe('plain output');
    expect(errorTemplate('Error: not enough seats on flight HAT290')).toBe('not enough seats on flight <id>');
    expect(templateSegments('payment amount does not add up, total price is <n> , but paid <n>')).toEqual([
      'payment amount does not add up, total price is',
      'but paid',
    ]);
    expect(templateSegments('<n>')).toEqual([]);
  });
});

describe('scoreCoverage', () => {
  const heldOut = [
    {
      id: 's1',
      events: [
        err(3, 'Error: payment amount does not add up, total price is 4875, but paid 1625'),
        err(7, 'Error: certificate cannot be used to update reservation'),
      ],
    },
    { id: 's2', events: [err(1, 'Error: not enough seats on flight HAT229')] },
  ];
  it('counts held-out errors whose template a mistake memory states, whatever its placeholders', () => {
    const files = [
      { path: '/MEMORY.md', content: '- payment amount does not add up, total price is' },
      {
        path: '/mistakes/payment.md',
        content:
          '---\nkind: mistake\n---\n`Error: payment amount does not add up, total price is {N}, but paid {N}`',
      },
      { path: '/mistakes/seats.md', content: 'not enough seats on flight HAT290 — search another flight' },
      { path: '/facts/cert.md', content: 'certificate cannot be used to update reservation' },
    ];
    const s = scoreCoverage(files, heldOut);
    expect(s.errors).toBe(3);
    expect(s.covered).toBe(2);
    expect(s.coverage).toBeCloseTo(2 / 3);
    expect(s.mistake_memories).toBe(2);
    expect(s.templates.find((t) => t.template.startsWith('certificate'))!.covered).toBe(false);
  });
  it('does not count a result the person declined as an error', () => {
    const declined = {
      ...err(1, "The user doesn't want to proceed with this tool use."),
      declined: true as const,
    };
    const s = scoreCoverage([], [{ id: 'd', events: [declined, err(2, 'Error: not enough seats')] }]);
    expect(s.errors).toBe(1);
  });
  it('is null without held-out errors', () => {
    expect(scoreCoverage([], [{ id: 'x', events: [] }]).coverage).toBeNull();
  });
});

describe('scanSecrets', () => {
  it('finds key-shaped strings and ignores redaction placeholders', () => {
    const hits = scanSecrets([
      { path: '/a.md', content: 'key sk-proj-abcdefghijklmnopqrstuvwxyz012345 and AKIAABCDEFGHIJKLMNOP' },
      { path: '/b.md', content: 'password: [REDACTED] token=$TOKEN Authorization: [REDACTED]' },
      { path: '/c.md', content: 'password=Tulip#42-meadowX1' },
    ]);
    expect(hits.map((h) => `${h.path}:${h.pattern}`)).toEqual([
      '/a.md:sk-key',
      '/a.md:aws-access-key-id',
      '/c.md:password-assignment',
    ]);
    expect(hits[0]!.sample).not.toContain('abcdefghijklmnop');
  });
});
