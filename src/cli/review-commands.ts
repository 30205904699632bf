/**
 * CLI commands of the review lane (review, apply, policy, rollback, log, serve). Registered by
 * program.ts; implemented by the review work (issue 3).
 */
import type { Command } from 'commander';
import type { CliContext } from './program.js';

/** Adds the review commands to `program`. */
export function registerReviewCommands(_program: Command, _ctx: CliContext): void {}
