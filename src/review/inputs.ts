/**
 * Checks for the small inputs every review operation takes: who acts (`by`), an optional comment, and
 * timestamps. Each throws a {@link ValidationError} naming the field.
 */
import { ValidationError } from '../domain/index.js';

/** Longest reviewer name, in characters. */
export const MAX_REVIEWER_CHARS = 200;
/** Longest review comment, in characters. */
export const MAX_COMMENT_CHARS = 4096;

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks who acts: a non-empty name of at most 200 characters without control characters, trimmed.
 * @returns the trimmed name.
 * @throws ValidationError (field `by`).
 */
export function validateReviewer(by: unknown, field = 'by'): string {
  if (typeof by !== 'string' || by.trim() === '')
    throw new ValidationError(`${field} must name who acts`, field);
  const name = by.trim();
  if (name.length > MAX_REVIEWER_CHARS)
    throw new ValidationError(`${field} is longer than ${MAX_REVIEWER_CHARS} characters`, field);
  if (CONTROL.test(name)) throw new ValidationError(`${field} contains a control character`, field);
  return name;
}

/**
 * Checks an optional comment: `null`/`undefined`/blank become `null`; otherwise at most 4,096 characters.
 * @throws ValidationError (field `comment`).
 */
export function validateComment(comment: unknown, field = 'comment'): string | null {
  if (comment === null || comment === undefined) return null;
  if (typeof comment !== 'string') throw new ValidationError(`${field} must be a string`, field);
  if (comment.trim() === '') return null;
  if (comment.length > MAX_COMMENT_CHARS)
    throw new ValidationError(`${field} is longer than ${MAX_COMMENT_CHARS} characters`, field);
  return comment;
}

/**
 * Parses a point in time: ISO-8601 (`2026-11-21T09:30:00Z`, `2026-11-21`) or anything `Date.parse`
 * accepts unambiguously. @returns the instant as an ISO-8601 UTC string with milliseconds.
 * @throws ValidationError (field `time`) if it does not parse.
 */
export function parseInstant(value: unknown, field = 'time'): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(`${field} must be an ISO-8601 time, e.g. 2026-11-21T09:30:00Z`, field);
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new ValidationError(
      `${field} is not a time: ${JSON.stringify(value)} (use ISO-8601, e.g. 2026-11-21T09:30:00Z)`,
      field,
    );
  return new Date(ms).toISOString();
}
