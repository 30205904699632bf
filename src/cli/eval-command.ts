/**
 * CLI command `reverie eval` (dream-quality suites). Registered by program.ts; implemented by the
 * evaluation work (issue 4).
 */
import type { Command } from 'commander';
import type { CliContext } from './program.js';

/** Adds the `eval` command to `program`. */
export function registerEvalCommand(_program: Command, _ctx: CliContext): void {}
