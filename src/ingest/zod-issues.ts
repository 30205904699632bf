/** Turns zod validation issues into short, field-naming messages for {@link ImportError}s. */
import type { z } from 'zod';

/**
 * Describes the first issue of a failed zod parse, e.g. `missing traj`, `reward: expected number,
 * received string`, `type: unknown value "foo"`. `prefix` is prepended to the field path
 * (e.g. `info` → `info.task`).
 */
export function describeIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return `missing ${path === '' ? 'value' : path}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    return path === '' ? `unknown field(s): ${keys}` : `${path}: unknown field(s): ${keys}`;
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return path === '' ? message : `${path}: ${message}`;
}
