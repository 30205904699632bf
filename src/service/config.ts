/**
 * Where reverie keeps its database: `--db FILE` wins, then `$REVERIE_HOME/reverie.db`, then
 * `~/.reverie/reverie.db`. `REVERIE_DB` may also name the file directly.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Resolves the SQLite database file from an explicit option and the environment. */
export function resolveDbPath(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit === ':memory:' ? explicit : resolve(explicit);
  if (env.REVERIE_DB) return resolve(env.REVERIE_DB);
  const home = env.REVERIE_HOME ? resolve(env.REVERIE_HOME) : join(homedir(), '.reverie');
  return join(home, 'reverie.db');
}
