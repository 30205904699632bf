/**
 * The memory tool over a session's attached stores (issue 14 item 3; shared/reference/anthropic-api.md,
 * "How the agent accesses a store"): each store the session attached is mounted at its `mount_path`
 * (`/mnt/memory/<slug>/`), `read_write` or `read_only`; `/mnt/memory/` itself is read-only and its
 * `view` lists the mounts. Commands are Anthropic's memory-tool commands (`memory_20250818`) with
 * mount paths instead of `/memories`: each runs through {@link MemoryTool} on the mounted store, and
 * the paths in its answer are written back as mount paths. A write under a `read_only` mount, or
 * outside any mount, is refused with a message naming the mount; writes are versions by the session
 * (`{type: "session_actor", id: <session id>}`), as hosted writes are session-attributed.
 */
import { MemoryToolError } from '../agents/memory-paths.js';
import { MemorySearch, type SearchHit } from '../agents/memory-search.js';
import { type MemoryCommand, MemoryTool, parseMemoryCommand } from '../agents/memory-tool.js';
import { renderListing } from '../agents/memory-view.js';
import { listTree } from '../service/memory-tree.js';
import type { Reverie } from '../service/reverie.js';
import { MOUNT_ROOT } from '../service/session-stores.js';
import type { SessionResource } from '../storage/index.js';

/** `/mnt/memory` without its trailing slash. */
const ROOT = MOUNT_ROOT.slice(0, -1);

/** A mount path resolved: the attachment it falls in (null for `/mnt/memory` itself) and the store path. */
interface Resolved {
  mount: SessionResource | null;
  /** The mount's base without the trailing slash, e.g. `/mnt/memory/team`. */
  base: string;
  /** The path inside the store (`/` for the mount itself). */
  inner: string;
}

/** The stores attached to a session, in attach order. @throws NotFoundError for an unknown session. */
export async function sessionMounts(reverie: Reverie, sessionId: string): Promise<SessionResource[]> {
  await reverie.getSession(sessionId);
  return (await reverie.sessionResources([sessionId])).get(sessionId) ?? [];
}

/**
 * Resolves a path under `/mnt/memory` (`.` and `..` folded, repeated slashes ignored) to its mount.
 * @throws MemoryToolError for a path outside `/mnt/memory`, one that climbs out of it, or one under no mount.
 */
export function resolveMountPath(given: unknown, mounts: readonly SessionResource[]): Resolved {
  if (typeof given !== 'string') throw new MemoryToolError(`Path must be a string, got: ${typeof given}`);
  if (given !== ROOT && !given.startsWith(MOUNT_ROOT))
    throw new MemoryToolError(`Path must start with ${MOUNT_ROOT}, got: ${given}`);
  const segs: string[] = [];
  for (const s of given.slice(ROOT.length).split('/')) {
    if (s === '' || s === '.') continue;
    if (s !== '..') segs.push(s);
    else if (segs.pop() === undefined) throw new MemoryToolError(`Path ${given} would escape ${MOUNT_ROOT}`);
  }
  if (segs.length === 0) return { mount: null, base: ROOT, inner: '/' };
  const mount = mounts.find((m) => m.mount_path === `${MOUNT_ROOT}${segs[0]}/`);
  if (!mount)
    throw new MemoryToolError(
      `The path ${given} is under no mounted store; mounts: ${mounts.map((m) => m.mount_path).join(', ') || 'none'}`,
    );
  return { mount, base: mount.mount_path.slice(0, -1), inner: `/${segs.slice(1).join('/')}` };
}

/** The memory-tool path of a store path: `/a.md` → `/memories/a.md`, `/` → `/memories`. */
const toolPath = (inner: string) => (inner === '/' ? '/memories' : `/memories${inner}`);

/** Writes a `/memories…` path in a line back as the mount's path. */
const back = (text: string, base: string) => text.replace(/\/memories(?=\/|\s|$|[.,:])/g, base);

/**
 * The memory tool over a session's mounts (see the module comment).
 * @example
 *   const tool = new SessionMemoryTool(reverie, 'sesn_…', await sessionMounts(reverie, 'sesn_…'));
 *   await tool.run({ command: 'view', path: '/mnt/memory/support-team/' });
 */
export class SessionMemoryTool {
  readonly #reverie: Reverie;
  readonly #sessionId: string;
  readonly #mounts: readonly SessionResource[];

  /**
   * @param reverie the service (the caller's view) the stores are read and written through.
   * @param sessionId the session whose writes these are (`session_actor` on every version).
   * @param mounts the session's attached stores ({@link sessionMounts}), possibly narrowed to read-only.
   */
  constructor(reverie: Reverie, sessionId: string, mounts: readonly SessionResource[]) {
    this.#reverie = reverie;
    this.#sessionId = sessionId;
    this.#mounts = mounts;
  }

  /** The attached stores this tool mounts. */
  get mounts(): readonly SessionResource[] {
    return this.#mounts;
  }

  /**
   * Runs one command. @returns the tool result text.
   * @throws MemoryToolError for every failure the model should see: bad paths, writes outside a mount
   *   or under a `read_only` mount, renames across mounts, and the memory tool's own errors.
   */
  async run(input: MemoryCommand | unknown): Promise<string> {
    const cmd = parseMemoryCommand(input);
    const given = cmd.command === 'rename' ? [cmd.old_path, cmd.new_path] : [cmd.path];
    const at = given.map((p) => resolveMountPath(p, this.#mounts));
    const first = at[0]!;
    if (cmd.command === 'view' && first.mount === null) return this.#viewRoot(cmd.path);
    for (const r of at) this.#checkWrite(cmd.command, r);
    if (cmd.command === 'rename' && at[0]!.mount !== at[1]!.mount)
      throw new MemoryToolError(
        'rename stays within one mounted store: copy and delete to move between mounts',
      );
    const mount = first.mount!;
    if ((cmd.command === 'delete' || cmd.command === 'rename') && at.some((r) => r.inner === '/'))
      throw new MemoryToolError(`Cannot ${cmd.command} the mount ${mount.mount_path} itself`);
    const tool = new MemoryTool(this.#reverie, mount.memory_store_id, {
      type: 'session_actor',
      id: this.#sessionId,
    });
    const translated =
      cmd.command === 'rename'
        ? { ...cmd, old_path: toolPath(at[0]!.inner), new_path: toolPath(at[1]!.inner) }
        : { ...cmd, path: toolPath(first.inner) };
    try {
      return this.#answer(cmd.command, await tool.run(translated), first.base);
    } catch (e) {
      if (e instanceof MemoryToolError) throw new MemoryToolError(back(e.message, first.base));
      throw e;
    }
  }

  /** Refuses anything but `view` outside a mount or under a `read_only` mount. */
  #checkWrite(command: MemoryCommand['command'], r: Resolved): void {
    if (command === 'view') return;
    if (r.mount === null)
      throw new MemoryToolError(
        `${MOUNT_ROOT} is read-only: ${command} is allowed only inside a mounted store`,
      );
    if (r.mount.access === 'read_only')
      throw new MemoryToolError(
        `${r.mount.mount_path} (${r.mount.name}) is attached read_only to this session: ${command} is not allowed (view is)`,
      );
  }

  /** The memory tool's answer with its paths as mount paths (a file's content is left alone). */
  #answer(command: MemoryCommand['command'], text: string, base: string): string {
    if (command === 'str_replace' && text.startsWith('The memory file has been edited.')) return text;
    if (command === 'view' && text.startsWith("Here's the content of ")) {
      const nl = text.indexOf('\n');
      return back(text.slice(0, nl), base) + text.slice(nl);
    }
    return text
      .split('\n')
      .map((l) => back(l, base))
      .join('\n');
  }

  /** `view /mnt/memory`: the mounts as folders and their entries, two levels deep. */
  async #viewRoot(given: string): Promise<string> {
    const items: { path: string; content_size_bytes: number }[] = [];
    for (const m of this.#mounts) {
      const slug = m.mount_path.slice(MOUNT_ROOT.length, -1);
      for (const x of await listTree(this.#reverie, m.memory_store_id, '/'))
        items.push({ path: `/${slug}${x.path}`, content_size_bytes: x.content_size_bytes });
    }
    items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return renderListing(given, '/', items);
  }

  /**
   * Ranked full-text hits across the mounts (each store's own BM25+ index, merged by score), their paths
   * as mount paths; `pathPrefix` (a mount path) narrows to one mount or folder.
   */
  async search(query: string, opts: { limit?: number; pathPrefix?: string } = {}): Promise<SearchHit[]> {
    const prefix = opts.pathPrefix ? resolveMountPath(opts.pathPrefix, this.#mounts) : null;
    const runs = this.#mounts
      .filter((m) => !prefix?.mount || prefix.mount === m)
      .map(async (m) => {
        const inner = prefix?.mount === m && prefix.inner !== '/' ? prefix.inner : undefined;
        const hits = await new MemorySearch(this.#reverie, m.memory_store_id).search(query, {
          limit: opts.limit,
          pathPrefix: inner,
        });
        const base = m.mount_path.slice(0, -1);
        return hits.map((h) => ({ ...h, path: `${base}${h.path.slice('/memories'.length)}` }));
      });
    const all = (await Promise.all(runs)).flat();
    return all.sort((a, b) => b.score - a.score).slice(0, opts.limit ?? 10);
  }
}

/**
 * The note per mount that goes into the MCP server's instructions (the hosted product puts one per mount
 * into the system prompt): name, path, access, description and instructions.
 */
export function mountNotes(mounts: readonly SessionResource[]): string {
  if (mounts.length === 0) return 'No memory store is attached to this session.';
  return mounts
    .map((m) =>
      [
        `- ${m.name} at ${m.mount_path} (${m.access === 'read_only' ? 'read-only' : 'read-write'})`,
        m.description ? `  ${m.description}` : '',
        m.instructions ? `  Instructions: ${m.instructions}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');
}
