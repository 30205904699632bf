/**
 * The memory tool with the team's and the organisation's memory mounted read-only (issue 14 item 3),
 * as Claude Code's team folder does: an agent's (or person's) own store at `/memories/`, its team's
 * store at `/memories/team/` and the organisation's at `/memories/org/`. Writes under a mount are
 * refused in the memory tool's error style; `view` of `/memories` lists the mounts as folders beside
 * the own store's files. The mounts come from the own store's scope (`person:<id>` or `agent:<id>`):
 * the member's first team's store and the organisation store ({@link TeamService.mountsFor}); an
 * unscoped store has none, and the tool behaves exactly as {@link MemoryTool}.
 */
import type { Actor } from '../domain/index.js';
import { listTree } from '../service/memory-tree.js';
import type { Reverie } from '../service/reverie.js';
import { MemoryToolError, resolveToolPath, toToolPath } from './memory-paths.js';
import { MemorySearch, type SearchHit } from './memory-search.js';
import { type MemoryCommand, MemoryTool, parseMemoryCommand, type ViewCommand } from './memory-tool.js';
import { numberLines, renderListing } from './memory-view.js';

/** The folders the mounts appear as under `/memories`. */
export const MOUNT_FOLDERS = { team: 'team', org: 'org' } as const;

/** Mounted stores by folder name (`team`, `org`), each read-only. */
export type Mounts = Partial<Record<keyof typeof MOUNT_FOLDERS, string>>;

interface MountHit {
  folder: keyof typeof MOUNT_FOLDERS;
  storeId: string;
  /** The path inside the mounted store (`/` for the mount itself). */
  inner: string;
}

/**
 * The team and organisation stores mounted beside `storeId`, from its scope; none for a store that
 * is not a person's or an agent's, or whose member has no team store and there is no organisation store.
 */
export async function mountsOf(reverie: Reverie, storeId: string): Promise<Mounts> {
  const store = await reverie.getStore(storeId);
  const scope = store.scope;
  if (!scope || (scope.type !== 'person' && scope.type !== 'agent') || !scope.id) return {};
  const m = await reverie.teams.mountsFor({ type: scope.type, id: scope.id });
  const out: Mounts = {};
  if (m.team) out.team = m.team.memory_store_id;
  if (m.org) out.org = m.org.memory_store_id;
  return out;
}

/**
 * A {@link MemoryTool} over an own store with read-only mounts (see the module comment).
 * @example
 *   const tool = new MountedMemoryTool(reverie, agentStoreId, { type: 'mcp_actor', id: 'bot/1' });
 *   await tool.run({ command: 'view', path: '/memories/team' }); // the team's memory
 */
export class MountedMemoryTool {
  readonly #reverie: Reverie;
  readonly #own: MemoryTool;
  #mounts: Mounts | undefined;

  /** @param opts.mounts the mounts to use instead of those of the store's scope. */
  constructor(
    reverie: Reverie,
    storeId: string,
    actor: Actor,
    opts: { readOnly?: boolean; mounts?: Mounts } = {},
  ) {
    this.#reverie = reverie;
    this.#own = new MemoryTool(reverie, storeId, actor, { readOnly: opts.readOnly });
    this.#mounts = opts.mounts;
  }

  /**
   * Runs one command: under a mount only `view`; elsewhere as the own store's memory tool.
   * @throws MemoryToolError as {@link MemoryTool.run}, and for a write under a mount.
   */
  async run(input: MemoryCommand | unknown): Promise<string> {
    const cmd = parseMemoryCommand(input);
    this.#mounts ??= await mountsOf(this.#reverie, this.#own.storeId).catch(() => ({}));
    const mounts = this.#mounts;
    if (!mounts.team && !mounts.org) return this.#own.run(cmd);
    const paths = cmd.command === 'rename' ? [cmd.old_path, cmd.new_path] : [cmd.path];
    const hit = paths.map((p) => mountOf(p, mounts)).find((h) => h !== null);
    if (!hit) {
      if (cmd.command === 'view' && isRoot(cmd.path)) return this.#viewRoot(cmd, mounts);
      return this.#own.run(cmd);
    }
    if (cmd.command !== 'view')
      throw new MemoryToolError(
        `/memories/${hit.folder} is the ${hit.folder === 'team' ? "team's" : "organisation's"} memory and read-only here: ${cmd.command} is not allowed (view is)`,
      );
    return this.#viewMount(cmd, hit);
  }

  /** `/memories`: the own store's entries and the mounts as folders, two levels deep. */
  async #viewRoot(cmd: ViewCommand, mounts: Mounts): Promise<string> {
    const own = (await listTree(this.#reverie, this.#own.storeId, '/')).filter(
      (m) => !Object.keys(mounts).some((f) => m.path.startsWith(`/${f}/`)),
    );
    const items = own.map((m) => ({ path: m.path, content_size_bytes: m.content_size_bytes }));
    for (const [folder, storeId] of Object.entries(mounts)) {
      const inner = await listTree(this.#reverie, storeId, '/');
      items.push(
        ...inner.map((m) => ({ path: `/${folder}${m.path}`, content_size_bytes: m.content_size_bytes })),
      );
    }
    items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return renderListing(cmd.path, '/', items);
  }

  #overrides(hit: MountHit, m: { content: string | null }): Promise<string> {
    return overridesNote(this.#reverie, this.#own.storeId, hit, m.content ?? '');
  }

  /** `view` of a file or folder inside a mount. */
  async #viewMount(cmd: ViewCommand, hit: MountHit): Promise<string> {
    if (hit.inner !== '/') {
      const m = await this.#reverie.getMemoryByPath(hit.storeId, hit.inner).catch(() => null);
      if (m) return numberLines(cmd.path, m.content ?? '', cmd.view_range) + (await this.#overrides(hit, m));
    }
    const prefix = hit.inner === '/' ? '/' : `${hit.inner}/`;
    const items = await listTree(this.#reverie, hit.storeId, prefix);
    if (hit.inner !== '/' && items.length === 0)
      throw new MemoryToolError(`The path ${cmd.path} does not exist. Please provide a valid path.`);
    return renderListing(cmd.path, prefix, items);
  }
}

/**
 * The note under a team or organisation file that the agent's own memory overrides (issue 14 item 4:
 * a person's own preference overrides the team's for that person): own memories at the same path or
 * contradicting it by the engine's fact rule (`conflictsWith`); empty when there are none.
 */
async function overridesNote(
  reverie: Reverie,
  ownStoreId: string,
  hit: MountHit,
  content: string,
): Promise<string> {
  const hits = await reverie.teams.overriddenBy(ownStoreId, { path: hit.inner, content });
  if (hits.length === 0) return '';
  return `\n\nNote: your own ${hits.map((h) => toToolPath(h.path)).join(', ')} ${hits.length === 1 ? 'overrides' : 'override'} this ${hit.folder === 'team' ? 'team' : 'organisation'} memory for you.`;
}

/**
 * `memory_search` over an own store and its mounts (see the module comment): hits of the team's and
 * the organisation's stores carry their `/memories/team/…` and `/memories/org/…` paths; the hits of
 * all stores are merged by score (each store's BM25+ scores, from its own index).
 */
export class MountedMemorySearch {
  readonly #reverie: Reverie;
  readonly #storeId: string;
  readonly #searches = new Map<string, MemorySearch>();
  #mounts: Mounts | undefined;

  constructor(reverie: Reverie, storeId: string) {
    this.#reverie = reverie;
    this.#storeId = storeId;
  }

  #of(storeId: string): MemorySearch {
    let s = this.#searches.get(storeId);
    if (!s) {
      s = new MemorySearch(this.#reverie, storeId);
      this.#searches.set(storeId, s);
    }
    return s;
  }

  /**
   * Ranked hits for `query` across the own store and its mounts; `pathPrefix` (`/memories/team/…` or
   * a store path) narrows to one of them. @throws NotFoundError for an unknown own store.
   */
  async search(query: string, opts: { limit?: number; pathPrefix?: string } = {}): Promise<SearchHit[]> {
    this.#mounts ??= await mountsOf(this.#reverie, this.#storeId).catch(() => ({}));
    const p = opts.pathPrefix?.replace(/^\/memories(?=\/)/, '');
    const folders = Object.entries(this.#mounts) as [keyof typeof MOUNT_FOLDERS, string][];
    const under = folders.find(([f]) => p?.startsWith(`/${f}/`));
    const runs: Promise<SearchHit[]>[] = [];
    if (!under)
      runs.push(
        this.#of(this.#storeId)
          .search(query, { limit: opts.limit, pathPrefix: opts.pathPrefix })
          .then((hs) => hs.filter((h) => !folders.some(([f]) => h.path.startsWith(`/memories/${f}/`)))),
      );
    for (const [f, id] of folders) {
      if (p && p !== '/' && under?.[0] !== f) continue;
      const inner = under?.[0] === f ? p!.slice(f.length + 1) : undefined;
      runs.push(
        this.#of(id)
          .search(query, { limit: opts.limit, pathPrefix: inner === '/' ? undefined : inner })
          .then((hs) => hs.map((h) => ({ ...h, path: `/memories/${f}${h.path.slice('/memories'.length)}` }))),
      );
    }
    const all = (await Promise.all(runs)).flat();
    return all.sort((a, b) => b.score - a.score).slice(0, opts.limit ?? 10);
  }
}

function isRoot(path: string): boolean {
  try {
    return resolveToolPath(path).root;
  } catch {
    return false;
  }
}

/** The mount a tool path falls under, or null (also for a path the own tool will refuse). */
function mountOf(path: string, mounts: Mounts): MountHit | null {
  let store: string;
  try {
    store = resolveToolPath(path).store;
  } catch {
    return null;
  }
  for (const folder of Object.keys(MOUNT_FOLDERS) as (keyof typeof MOUNT_FOLDERS)[]) {
    const storeId = mounts[folder];
    if (!storeId) continue;
    if (store === `/${folder}`) return { folder, storeId, inner: '/' };
    if (store.startsWith(`/${folder}/`)) return { folder, storeId, inner: store.slice(folder.length + 1) };
  }
  return null;
}
