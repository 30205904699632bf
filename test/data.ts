/** Paths of the shared real-data sets (../shared/data beside the repository; never copied into it). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Root of the shared data folder. */
export const DATA = resolve(import.meta.dirname, '../../shared/data');
/** The 100 τ-bench airline sessions (trials 0 and 1 of 50 tasks). */
export const TAU = resolve(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json');
/** 100 mini-swe-agent django sessions with report.json outcomes. */
export const DJANGO = resolve(DATA, 'mini-swe-agent/django-100');
/** Two Claude Code sessions with six subagents. */
export const CLAUDE_CODE = resolve(DATA, 'claude-code');
/** True when the shared data is present (it is in CI). */
export const HAVE_DATA = existsSync(TAU);
