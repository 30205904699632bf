#!/usr/bin/env node
/** Entry point of the `reverie` command. */
import { exitOnClosedOutput } from './output.js';
import { runCli } from './program.js';

exitOnClosedOutput(process.stdout);
exitOnClosedOutput(process.stderr);
process.exitCode = await runCli(process.argv.slice(2));
