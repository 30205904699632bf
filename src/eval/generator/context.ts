/**
 * What a domain builder receives for one session and what it returns besides the session itself.
 */
import type { NoiseItem } from '../ground-truth.js';
import type { Phrasings, SecretDef, TeamSecrets } from './catalog.js';
import type { GenSession } from './model.js';
import type { Rng } from './prng.js';

/** Inputs of one session build. Times are ms since the epoch. */
export interface DomainContext {
  /** The session's own generator (seeded by run seed + global index). */
  rng: Rng;
  /** Global 0-based index of the session in the run. */
  index: number;
  /** 0-based index among the sessions of the same domain (drives the deterministic schedule). */
  j: number;
  startMs: number;
  /** Sessions starting before this state old fact values, after it the new ones. */
  factChangeAt: number;
  secrets: TeamSecrets;
  /** Invented words used so far in the run (keeps one-off markers unique). */
  usedWords: Set<string>;
  /**
   * A second generator for content appended after all of the session's original draws (feedback,
   * task instructions), seeded by run seed + `extra` + global index, so adding it leaves every other
   * draw, and the figures of the other kinds, unchanged.
   */
  extra: Rng;
  /** Which half of the planted wordings to use (train keeps the original RNG draws and text). */
  phrasings: Phrasings;
}

/** A built session plus the one-offs it introduced. */
export interface BuiltSession {
  session: GenSession;
  /** One-off noise planted in this session (the generator adds the session file). */
  noise: Omit<NoiseItem, 'session'>[];
  /** Secrets that exist only in this session (the recurring team secrets are not repeated here). */
  oneOffSecrets: SecretDef[];
}
