/**
 * The memory tool over a reverie store, independent of any transport: Anthropic's `memory_20250818`
 * commands (`view`, `create`, `str_replace`, `insert`, `delete`, `rename`; shared/reference/anthropic-api.md
 * §5) with the behaviour and the result and error strings of the SDK's reference filesystem handler
 * (`BetaLocalFilesystemMemoryTool`, `@anthropic-ai/sdk/tools/memory/node`, SDK 1.14), over the service
 * layer instead of a folder. The MCP server, the Anthropic SDK handler and any other shell call it.
 *
 * Where a store is not a filesystem: directories are path prefixes (a directory exists while a memory lies
 * under it; its size is the bytes of everything under it); every write is a memory version attributed to
 * the tool's actor; `str_replace` and `insert` write with a `content_sha256` precondition, so a concurrent
 * writer is never overwritten; deleting or renaming a directory is one transaction.
 */
import { type Actor, ReverieError } from '../domain/index.js';
import type { Memory } from '../domain/types.js';
import { deleteTree, hasTree, listTree, renameTree } from '../service/memory-tree.js';
import type { Reverie } from '../service/reverie.js';
import { MemoryToolError, type ResolvedPath, resolveToolPath, toToolPath } from './memory-paths.js';
import { numberLines, renderListing } from './memory-view.js';

/** `view`: a directory listing two levels deep, or a file with line numbers (`view_range` [from, to|-1]). */
export interface ViewCommand {
  command: 'view';
  path: string;
  view_range?: number[];
}
/** `create`: a new file; refused when the path exists. */
export interface CreateCommand {
  command: 'create';
  path: string;
  file_text: string;
}
/** `str_replace`: replaces the one literal occurrence of `old_str` with `new_str`. */
export interface StrReplaceCommand {
  command: 'str_replace';
  path: string;
  old_str: string;
  new_str: string;
}
/** `insert`: inserts `insert_text` after line `insert_line` (0 = at the top). */
export interface InsertCommand {
  command: 'insert';
  path: string;
  insert_line: number;
  insert_text: string;
}
/** `delete`: a file or a directory (never `/memories` itself). */
export interface DeleteCommand {
  command: 'delete';
  path: string;
}
/** `rename`: a file or directory to a destination that does not exist. */
export interface RenameCommand {
  command: 'rename';
  old_path: string;
  new_path: string;
}
/** One memory-tool call, as the model sends it (the SDK's `BetaMemoryTool20250818Command`). */
export type MemoryCommand =
  | ViewCommand
  | CreateCommand
  | StrReplaceCommand
  | InsertCommand
  | DeleteCommand
  | RenameCommand;

/** The six command names. */
export const MEMORY_COMMANDS = ['view', 'create', 'str_replace', 'insert', 'delete', 'rename'] as const;

const FIELDS: Record<MemoryCommand['command'], Record<string, 'string' | 'number'>> = {
  view: { path: 'string' },
  create: { path: 'string', file_text: 'string' },
  str_replace: { path: 'string', old_str: 'string', new_str: 'string' },
  insert: { path: 'string', insert_line: 'number', insert_text: 'string' },
  delete: { path: 'string' },
  rename: { old_path: 'string', new_path: 'string' },
};

/**
 * Checks a raw tool input (from a model or a client) and returns it as a {@link MemoryCommand}.
 * @throws MemoryToolError naming the missing or mistyped field.
 */
export function parseMemoryCommand(input: unknown): MemoryCommand {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const fields = FIELDS[o.command as MemoryCommand['command']];
  if (typeof o.command !== 'string' || !fields)
    throw new MemoryToolError(
      `Unknown command ${JSON.stringify(o.command)}: use ${MEMORY_COMMANDS.join(', ')}`,
    );
  for (const [k, t] of Object.entries(fields))
    if (typeof o[k] !== t) throw new MemoryToolError(`${o.command}: ${k} must be a ${t}`);
  if (
    o.view_range !== undefined &&
    (!Array.isArray(o.view_range) || o.view_range.some((n) => !Number.isInteger(n)))
  )
    throw new MemoryToolError('view: view_range must be an array of two line numbers');
  return o as unknown as MemoryCommand;
}

/**
 * The memory tool bound to one store and one actor. `run` executes a command and returns the tool
 * result text; failures throw {@link MemoryToolError} whose message is the error text for the model.
 *
 * @example
 *   const tool = new MemoryTool(reverie, 'memstore_…', { type: 'mcp_actor', id: 'claude-code/2.1' });
 *   await tool.run({ command: 'create', path: '/memories/notes.md', file_text: 'Use UTC.\n' });
 */
export class MemoryTool {
  readonly #reverie: Reverie;
  readonly #storeId: string;
  readonly #actor: Actor;
  readonly #readOnly: boolean;

  /** @param opts.readOnly only `view` runs; every other command is refused (e.g. a team store an agent reads). */
  constructor(reverie: Reverie, storeId: string, actor: Actor, opts: { readOnly?: boolean } = {}) {
    this.#reverie = reverie;
    this.#storeId = storeId;
    this.#actor = actor;
    this.#readOnly = opts.readOnly === true;
  }

  /** The store this tool reads and writes. */
  get storeId(): string {
    return this.#storeId;
  }

  /**
   * Runs one command (checked with {@link parseMemoryCommand}).
   * @returns the tool result text.
   * @throws MemoryToolError for every failure the model should see (service errors included, by message).
   */
  async run(input: MemoryCommand | unknown): Promise<string> {
    const cmd = parseMemoryCommand(input);
    if (this.#readOnly && cmd.command !== 'view')
      throw new MemoryToolError(
        `The memory store is read-only here: ${cmd.command} is not allowed (view is)`,
      );
    try {
      switch (cmd.command) {
        case 'view':
          return await this.view(cmd);
        case 'create':
          return await this.create(cmd);
        case 'str_replace':
          return await this.strReplace(cmd);
        case 'insert':
          return await this.insert(cmd);
        case 'delete':
          return await this.delete(cmd);
        case 'rename':
          return await this.rename(cmd);
      }
    } catch (e) {
      if (e instanceof MemoryToolError) throw e;
      if (ReverieError.isInstance(e)) throw new MemoryToolError(e.message);
      throw e;
    }
  }

  /** `view` (see {@link ViewCommand}). */
  async view(cmd: ViewCommand): Promise<string> {
    const p = resolveToolPath(cmd.path);
    const file = p.root ? undefined : await this.#memory(p.store);
    if (file) return numberLines(cmd.path, file.content ?? '', cmd.view_range);
    const prefix = p.root ? '/' : `${p.store}/`;
    const items = await listTree(this.#reverie, this.#storeId, prefix);
    if (!p.root && items.length === 0)
      throw new MemoryToolError(`The path ${cmd.path} does not exist. Please provide a valid path.`);
    return renderListing(cmd.path, prefix, items);
  }

  /** `create` (see {@link CreateCommand}). */
  async create(cmd: CreateCommand): Promise<string> {
    const p = resolveToolPath(cmd.path);
    if (p.root || (await this.#exists(p))) throw new MemoryToolError(`File ${cmd.path} already exists`);
    await this.#checkParents(p);
    try {
      await this.#reverie.createMemory(this.#storeId, { path: p.store, content: cmd.file_text }, this.#actor);
    } catch (e) {
      if (ReverieError.isInstance(e) && e.type === 'memory_path_conflict_error')
        throw new MemoryToolError(`File ${cmd.path} already exists`);
      throw e;
    }
    return `File created successfully at: ${cmd.path}`;
  }

  /** `str_replace` (see {@link StrReplaceCommand}): literal, unique, `$` patterns not interpreted. */
  async strReplace(cmd: StrReplaceCommand): Promise<string> {
    const p = resolveToolPath(cmd.path);
    const m = await this.#file(p);
    const content = m.content ?? '';
    const starts = occurrences(content, cmd.old_str);
    if (starts.length === 0)
      throw new MemoryToolError(
        `No replacement was performed, old_str \`${cmd.old_str}\` did not appear verbatim in ${cmd.path}.`,
      );
    if (starts.length > 1) {
      const lines = [...new Set(starts.map((i) => lineOf(content, i)))];
      throw new MemoryToolError(
        `No replacement was performed. Multiple occurrences of old_str \`${cmd.old_str}\` in lines: ${lines.join(', ')}. Please ensure it is unique`,
      );
    }
    const at = starts[0]!;
    const next = content.slice(0, at) + cmd.new_str + content.slice(at + cmd.old_str.length);
    await this.#write(p, m, next);
    const changed = lineOf(content, at) - 1;
    const from = Math.max(0, changed - 2);
    const lines = next.split('\n').slice(from, changed + 3);
    return `The memory file has been edited. Here is the snippet showing the change (with line numbers):\n${lines
      .map((l, i) => `${String(from + i + 1).padStart(6, ' ')}\t${l}`)
      .join('\n')}`;
  }

  /** `insert` (see {@link InsertCommand}): lines 0..N are valid; one trailing newline of the text is dropped. */
  async insert(cmd: InsertCommand): Promise<string> {
    const p = resolveToolPath(cmd.path);
    const m = await this.#file(p);
    const lines = (m.content ?? '').split('\n');
    if (!Number.isInteger(cmd.insert_line) || cmd.insert_line < 0 || cmd.insert_line > lines.length)
      throw new MemoryToolError(
        `Invalid \`insert_line\` parameter: ${cmd.insert_line}. It should be within the range of lines of the file: [0, ${lines.length}]`,
      );
    lines.splice(cmd.insert_line, 0, cmd.insert_text.replace(/\n$/, ''));
    await this.#write(p, m, lines.join('\n'));
    return `The file ${cmd.path} has been edited.`;
  }

  /** `delete` (see {@link DeleteCommand}): a directory goes in one transaction. */
  async delete(cmd: DeleteCommand): Promise<string> {
    const p = resolveToolPath(cmd.path);
    if (p.root) throw new MemoryToolError('Cannot delete the /memories directory itself');
    const m = await this.#memory(p.store);
    if (m)
      await this.#reverie.deleteMemory(
        this.#storeId,
        m.id,
        { expected_content_sha256: m.content_sha256 },
        this.#actor,
      );
    const deleted =
      (m ? 1 : 0) + (await deleteTree(this.#reverie, this.#storeId, `${p.store}/`, this.#actor));
    if (!deleted) throw new MemoryToolError(`The path ${cmd.path} does not exist`);
    return `Successfully deleted ${cmd.path}`;
  }

  /** `rename` (see {@link RenameCommand}): a directory moves in one transaction; the destination must not exist. */
  async rename(cmd: RenameCommand): Promise<string> {
    const from = resolveToolPath(cmd.old_path);
    const to = resolveToolPath(cmd.new_path);
    if (from.root) throw new MemoryToolError('Cannot rename the /memories directory itself');
    if (to.root || (await this.#exists(to)))
      throw new MemoryToolError(`The destination ${cmd.new_path} already exists`);
    await this.#checkParents(to);
    const m = await this.#memory(from.store);
    try {
      if (m) await this.#reverie.updateMemory(this.#storeId, m.id, { path: to.store }, this.#actor);
      else if (
        !(await renameTree(this.#reverie, this.#storeId, `${from.store}/`, `${to.store}/`, this.#actor))
      )
        throw new MemoryToolError(`The path ${cmd.old_path} does not exist`);
    } catch (e) {
      if (ReverieError.isInstance(e) && e.type === 'memory_path_conflict_error')
        throw new MemoryToolError(`The destination ${cmd.new_path} already exists`);
      throw e;
    }
    return `Successfully renamed ${cmd.old_path} to ${cmd.new_path}`;
  }

  async #memory(path: string): Promise<Memory | undefined> {
    try {
      return await this.#reverie.getMemoryByPath(this.#storeId, path);
    } catch (e) {
      if (ReverieError.isInstance(e) && e.type === 'not_found_error' && e.details.resource === 'memory')
        return undefined;
      throw e;
    }
  }

  async #exists(p: ResolvedPath): Promise<boolean> {
    return (
      p.root ||
      (await this.#memory(p.store)) !== undefined ||
      (await hasTree(this.#reverie, this.#storeId, `${p.store}/`))
    );
  }

  /** A file to edit: missing → the SDK's "does not exist"; a directory → "is not a file". */
  async #file(p: ResolvedPath): Promise<Memory> {
    const m = p.root ? undefined : await this.#memory(p.store);
    if (m) return m;
    if (p.root || (await hasTree(this.#reverie, this.#storeId, `${p.store}/`)))
      throw new MemoryToolError(`The path ${p.given} is not a file.`);
    throw new MemoryToolError(`The path ${p.given} does not exist. Please provide a valid path.`);
  }

  /** Refuses a path below an existing file (`/a.md/b` while `/a.md` is a memory): it could not be a folder. */
  async #checkParents(p: ResolvedPath): Promise<void> {
    const segs = p.store.split('/');
    for (let i = 2; i < segs.length; i++) {
      const parent = segs.slice(0, i).join('/');
      if (await this.#memory(parent))
        throw new MemoryToolError(
          `Cannot write ${p.given}: ${toToolPath(parent)} is a file, not a directory`,
        );
    }
  }

  async #write(p: ResolvedPath, m: Memory, content: string): Promise<void> {
    try {
      await this.#reverie.updateMemory(
        this.#storeId,
        m.id,
        { content, precondition: { type: 'content_sha256', content_sha256: m.content_sha256 } },
        this.#actor,
      );
    } catch (e) {
      if (ReverieError.isInstance(e) && e.type === 'memory_precondition_failed_error')
        throw new MemoryToolError(
          `The file ${p.given} was changed by someone else while it was being edited (content_sha256 is no longer ${m.content_sha256.slice(0, 12)}…); view it again and retry.`,
        );
      throw e;
    }
  }
}

/** Start offsets of every occurrence of `needle` in `text`, overlapping ones included (so `aa` in `aaa` is ambiguous). */
function occurrences(text: string, needle: string): number[] {
  if (needle === '') return [];
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** 1-based line number of offset `i`. */
function lineOf(text: string, i: number): number {
  let n = 1;
  for (let j = text.indexOf('\n'); j >= 0 && j < i; j = text.indexOf('\n', j + 1)) n++;
  return n;
}

/** The error a memory-tool command fails with: its message is the text the model sees (see `memory-paths.ts`). */
export { MemoryToolError };
