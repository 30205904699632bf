/**
 * Claude Code integration: where Claude Code keeps a project's sessions and memory
 * (`~/.claude/projects/<slug>/<session id>.jsonl`, `…/<slug>/memory/` with `MEMORY.md`), its SessionEnd
 * hook payload, and merging reverie's SessionEnd hook into a project's `.claude/settings.json` without
 * touching anything else in it. Hook configuration and payload as documented at
 * https://code.claude.com/docs/en/hooks (`hooks.SessionEnd[].hooks[] = {type:'command', command}`; the
 * command gets `{session_id, transcript_path, cwd, permission_mode, hook_event_name, reason}` on stdin).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../domain/index.js';
import type { Reverie } from '../service/reverie.js';
import { atomicWrite } from './sync-disk.js';

/** Claude Code's SessionEnd hook input (the fields reverie reads; others are ignored). */
export interface SessionEndPayload {
  session_id: string;
  transcript_path: string;
  cwd: string;
  hook_event_name: 'SessionEnd';
  /** `clear`, `logout`, `prompt_input_exit`, `other`, … */
  reason?: string;
}

/** Claude Code's folder name for a project path: every character other than a letter or digit becomes `-`. */
export function claudeProjectSlug(projectDir: string): string {
  return projectDir.replace(/[^a-zA-Z0-9]/g, '-');
}

/** The memory folder Claude Code uses for a project: `~/.claude/projects/<slug>/memory`. */
export function claudeMemoryDir(projectDir: string, home = homedir()): string {
  return join(home, '.claude', 'projects', claudeProjectSlug(projectDir), 'memory');
}

/** The memory folder beside a session transcript (`…/projects/<slug>/<id>.jsonl` → `…/projects/<slug>/memory`). */
export function memoryDirOfTranscript(transcriptPath: string): string {
  return join(dirname(transcriptPath), 'memory');
}

/**
 * Parses and checks a SessionEnd hook payload.
 * @throws ValidationError naming the missing field, or when the event is not SessionEnd.
 */
export function parseSessionEndPayload(text: string): SessionEndPayload {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ValidationError(`hook input on stdin is not JSON: ${(e as Error).message}`, 'stdin');
  }
  if (o?.hook_event_name !== 'SessionEnd')
    throw new ValidationError(
      `hook_event_name must be SessionEnd, got ${JSON.stringify(o?.hook_event_name)}`,
      'hook_event_name',
    );
  for (const f of ['session_id', 'transcript_path', 'cwd'])
    if (typeof o[f] !== 'string' || o[f] === '') throw new ValidationError(`hook input lacks ${f}`, f);
  return o as unknown as SessionEndPayload;
}

interface HookEntry {
  matcher?: string;
  hooks?: { type?: string; command?: string }[];
}

/**
 * Adds `command` as a SessionEnd command hook to a Claude Code settings object, keeping every other key,
 * event and hook. A hook already running `reverie … claude-code hook` for the same store is left as is.
 * @returns the settings to write and whether anything changed.
 * @throws ValidationError when `hooks` or `hooks.SessionEnd` exist but have the wrong shape.
 */
export function mergeSessionEndHook(
  settings: Record<string, unknown>,
  command: string,
  storeId: string,
): { settings: Record<string, unknown>; changed: boolean } {
  const hooks = (settings.hooks ?? {}) as Record<string, unknown>;
  if (typeof hooks !== 'object' || Array.isArray(hooks))
    throw new ValidationError('settings.hooks must be an object', 'hooks');
  const end = (hooks.SessionEnd ?? []) as HookEntry[];
  if (!Array.isArray(end))
    throw new ValidationError('settings.hooks.SessionEnd must be an array', 'hooks.SessionEnd');
  const ours = (c?: string) => !!c && c.includes('claude-code hook') && c.includes(`--store ${storeId}`);
  if (end.some((e) => e.hooks?.some((h) => ours(h.command)))) return { settings, changed: false };
  const next = [...end, { hooks: [{ type: 'command', command }] }];
  return { settings: { ...settings, hooks: { ...hooks, SessionEnd: next } }, changed: true };
}

/**
 * Installs the hook into `<project>/.claude/<file>` (`settings.json`, shared, or `settings.local.json`,
 * personal; created when missing), written atomically.
 * @returns the settings file and whether it changed.
 * @throws ValidationError naming the file when it is not a JSON object (it is left untouched).
 */
export async function installSessionEndHook(
  projectDir: string,
  command: string,
  storeId: string,
  name: 'settings.json' | 'settings.local.json' = 'settings.json',
): Promise<{ file: string; changed: boolean }> {
  const file = join(projectDir, '.claude', name);
  let settings: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ValidationError(`${file} does not hold a JSON object`, 'settings');
    settings = parsed as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw e instanceof SyntaxError ? new ValidationError(`${file}: ${e.message}`, 'settings') : e;
  }
  const r = mergeSessionEndHook(settings, command, storeId);
  if (r.changed) await atomicWrite(dirname(file), basename(file), `${JSON.stringify(r.settings, null, 2)}\n`);
  return { file, changed: r.changed };
}

/**
 * Ids of the imported Claude Code sessions (subagents included) that ran in `projectDir` or below it
 * (their transcript's `cwd`), oldest import first.
 */
export async function projectSessionIds(reverie: Reverie, projectDir: string): Promise<string[]> {
  const out: string[] = [];
  let page: string | null = null;
  do {
    const p = await reverie.listSessions({ limit: 10_000, page });
    for (const s of p.data) {
      const cwd = s.metadata.cwd;
      if (
        s.source_format === 'claude-code' &&
        typeof cwd === 'string' &&
        (cwd === projectDir || cwd.startsWith(`${projectDir}/`))
      )
        out.push(s.id);
    }
    page = p.next_page;
  } while (page);
  return out;
}
