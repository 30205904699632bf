/**
 * Where reverie keeps its database: `--db FILE` wins, then `$REVERIE_HOME/reverie.db`, then
 * `~/.reverie/reverie.db`. `REVERIE_DB` may also name the file directly. Either may instead be a
 * PostgreSQL URL (`postgres://…` or `postgresql://…`), passed through unchanged.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** True for a PostgreSQL connection URL (`postgres://…`, `postgresql://…`) rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * Resolves the database from an explicit option and the environment: an absolute SQLite file path,
 * `:memory:`, or a PostgreSQL URL (see {@link isPostgresUrl}) as given.
 */
export function resolveDbPath(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit === ':memory:' || isPostgresUrl(explicit) ? explicit : resolve(explicit);
  if (env.REVERIE_DB) return isPostgresUrl(env.REVERIE_DB) ? env.REVERIE_DB : resolve(env.REVERIE_DB);
  const home = env.REVERIE_HOME ? resolve(env.REVERIE_HOME) : join(homedir(), '.reverie');
  return join(home, 'reverie.db');
}
