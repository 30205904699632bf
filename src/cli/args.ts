/** Option-argument parsers shared by the CLI's command modules (commander `argParser` functions). */
import { InvalidArgumentError } from 'commander';

/**
 * Parses a positive integer option value.
 * @throws InvalidArgumentError (commander prints it and exits with status 2) otherwise.
 */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Collects a repeatable option's values into an array, in command-line order. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/**
 * Parses a fraction between 0 and 0.5 (e.g. a holdout share).
 * @throws InvalidArgumentError (commander prints it and exits with status 2) otherwise.
 */
export function fraction(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 0.5)
    throw new InvalidArgumentError('expected a number from 0 to 0.5');
  return n;
}
