#!/usr/bin/env node
/**
 * The `reverie` command: npm's bin entry for an installed package, and what bin/reverie runs in a
 * checkout. It checks the Node.js version before anything else loads, because better-sqlite3 (the
 * SQLite driver) needs the minimum in package.json's `engines.node` and crashes with a segmentation
 * fault on older versions. Plain JavaScript with no syntax newer than the oldest Node it must warn on.
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const need = /(\d+)\.(\d+)/.exec(pkg.engines.node);
const have = process.versions.node.split('.').map(Number);
const needMajor = Number(need[1]);
const needMinor = Number(need[2]);
if (have[0] < needMajor || (have[0] === needMajor && have[1] < needMinor)) {
  process.stderr.write(
    'error: reverie needs Node.js ' + needMajor + '.' + needMinor + ' or newer; this is Node.js ' +
      process.versions.node + ' (' + process.execPath + ').\n' +
      'Install Node.js 24 LTS: https://nodejs.org/en/download (or `nvm install 24`, `fnm install 24`, ' +
      'or your package manager), then run reverie again. In a clone of the repository, `./dev reverie ...` ' +
      'installs Node 24 into .node/ by itself.\n',
  );
  process.exit(1);
}
import('../dist/src/cli/main.js');
