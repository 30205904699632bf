import { describe, expect, it } from 'vitest';
import type { DreamSchedule } from '../domain/index.js';
import { nextRuns, parseCron, scheduleDue } from './triggers.js';

const base: DreamSchedule = {
  type: 'dream_schedule',
  memory_store_id: 'memstore_X',
  min_new_sessions: null,
  min_hours: null,
  cron: null,
  apply: 'review',
  instructions: null,
  paused: false,
  last_fired_at: null,
  last_dream_id: null,
  created_at: '2026-11-30T00:00:00.000Z',
  updated_at: '2026-11-30T00:00:00.000Z',
};
const at = (iso: string) => Date.parse(iso);
const state = (now: string, over: Partial<Parameters<typeof scheduleDue>[1]> = {}) => ({
  now: at(now),
  new_sessions: 10,
  last_dream_at: null,
  previous_running: false,
  ...over,
});

describe('schedule triggers', () => {
  it('cron in a time zone: 03:00 Europe/Berlin is 02:00 UTC in winter; due once an occurrence passed', () => {
    const cron = parseCron('0 3 * * *', 'Europe/Berlin');
    expect(cron).toEqual({ type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Berlin' });
    expect(nextRuns(cron, 3, new Date('2026-11-30T00:00:00Z'))).toEqual([
      '2026-11-30T02:00:00.000Z',
      '2026-12-01T02:00:00.000Z',
      '2026-12-02T02:00:00.000Z',
    ]);
    const s = { ...base, cron };
    expect(scheduleDue(s, state('2026-11-30T01:59:00Z'))).toMatchObject({ due: false });
    expect(scheduleDue(s, state('2026-11-30T02:00:30Z'))).toMatchObject({ due: true });
    // fired at 02:00:30: the next occurrence is tomorrow
    const fired = { ...s, last_fired_at: '2026-11-30T02:00:30.000Z' };
    expect(scheduleDue(fired, state('2026-11-30T12:00:00Z'))).toMatchObject({ due: false });
    expect(scheduleDue(fired, state('2026-12-01T02:00:01Z'))).toMatchObject({ due: true });
  });

  it('every trigger set must hold, and nothing fires without a new session, paused, or while the previous dream runs', () => {
    const s = { ...base, min_new_sessions: 5, min_hours: 24 };
    expect(scheduleDue(s, state('2026-12-01T00:00:00Z', { new_sessions: 4 })).why).toBe(
      '4 of 5 new sessions',
    );
    const last = at('2026-11-30T12:00:00Z');
    expect(scheduleDue(s, state('2026-12-01T00:00:00Z', { last_dream_at: last }))).toMatchObject({
      due: false,
      why: '12.0 of 24 hours since the last dream',
    });
    expect(scheduleDue(s, state('2026-12-01T12:00:01Z', { last_dream_at: last })).due).toBe(true);
    expect(
      scheduleDue({ ...base, min_hours: 1 }, state('2026-12-01T00:00:00Z', { new_sessions: 0 })).due,
    ).toBe(false);
    expect(scheduleDue({ ...s, paused: true }, state('2026-12-09T00:00:00Z')).why).toBe('paused');
    expect(scheduleDue(s, state('2026-12-09T00:00:00Z', { previous_running: true })).due).toBe(false);
  });

  it('refuses a bad cron expression or time zone, naming the field', () => {
    expect(() => parseCron('61 * * * *')).toThrow(expect.objectContaining({ details: { field: 'cron' } }));
    expect(() => parseCron('0 3 * * *', 'Mars/Olympus')).toThrow(
      expect.objectContaining({ details: { field: 'timezone' } }),
    );
  });
});
