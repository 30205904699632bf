/**
 * The store browser: stores, one store (memories, policy, dreams, rollback), a memory's history with
 * "restore this version", one version, the audit log, and the rollback preview.
 */
import type { FC } from 'hono/jsx';
import type { Memory, MemoryStore, MemoryVersion } from '../../domain/index.js';
import type { AuditEntry, RollbackPlan } from '../../review/index.js';
import type { DreamSummary, MemoryHistory } from '../../service/review-service.js';
import { Actor, Badge, evidenceHref, reviewWho, when } from '../components.js';

const memHref = (storeId: string, path: string) =>
  `/stores/${storeId}/memory?path=${encodeURIComponent(path)}`;

/** `/stores`: every store with its memory count. */
export const StoresPage: FC<{ stores: { store: MemoryStore; memories: number }[] }> = ({ stores }) => (
  <>
    <h1>Memory stores</h1>
    <table>
      <caption class="sr-only">Memory stores</caption>
      <thead>
        <tr>
          <th scope="col">Store</th>
          <th scope="col">Id</th>
          <th scope="col">Memories</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {stores.map(({ store: s, memories }) => (
          <tr>
            <td>
              <a href={`/stores/${s.id}`}>{s.name}</a>
              {s.archived_at ? <span class="muted"> (archived)</span> : null}
            </td>
            <td class="mono">{s.id}</td>
            <td>{memories}</td>
            <td>{when(s.updated_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);

/** `/stores/:id`: memories, policy form, dreams, and the whole-store rollback form. */
export const StorePage: FC<{ store: MemoryStore; memories: Memory[]; dreams: DreamSummary[] }> = ({
  store: s,
  memories,
  dreams,
}) => {
  const p = s.policy;
  return (
    <>
      <h1>{s.name}</h1>
      <p class="muted">
        <span class="mono">{s.id}</span> · {memories.length} memories · updated {when(s.updated_at)}
        {s.description ? ` · ${s.description}` : ''}
      </p>
      <p>
        <a href={`/stores/${s.id}/log`}>Audit log of this store</a>
      </p>
      <h2>Memories</h2>
      {memories.length === 0 ? (
        <p>No memories.</p>
      ) : (
        <table>
          <caption class="sr-only">Memories of this store</caption>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Bytes</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {memories.map((m) => (
              <tr>
                <td>
                  <a class="mono" href={memHref(s.id, m.path)}>
                    {m.path}
                  </a>
                </td>
                <td>{m.content_size_bytes}</td>
                <td>{when(m.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="policy">Policy</h2>
      <form method="post" action={`/stores/${s.id}/policy`} class="panel policy-grid">
        <label class="inline">
          <input type="checkbox" name="exact_duplicates" value="1" checked={p.auto_apply.exact_duplicates} />{' '}
          Auto-apply exact-duplicate merges
        </label>
        <label class="inline">
          <input type="checkbox" name="deletions" value="1" checked={p.auto_apply.deletions} /> Auto-apply
          deletions
        </label>
        <label for="p-add">
          Auto-apply additions with support ≥ (empty: never)
          <input
            id="p-add"
            name="additions_min_support"
            type="number"
            min={1}
            value={p.auto_apply.additions_min_support ?? ''}
          />
        </label>
        <label for="p-cap">
          Most changes per dream (empty: no cap)
          <input
            id="p-cap"
            name="max_changes_per_dream"
            type="number"
            min={1}
            value={p.max_changes_per_dream ?? ''}
          />
        </label>
        <label for="p-prot" class="full-row">
          Protected path globs, one per line (no dream may touch them)
          <textarea id="p-prot" name="protected_paths" rows={3}>
            {p.protected_paths.join('\n')}
          </textarea>
        </label>
        <div>
          <button type="submit" class="primary">
            Save policy
          </button>
        </div>
      </form>

      <h2>Dreams over this store</h2>
      {dreams.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {dreams.map((d) => (
            <li>
              <a class="mono" href={`/dreams/${d.dream.id}`}>
                {d.dream.id}
              </a>{' '}
              <Badge status={d.dream.status} /> {when(d.dream.created_at)} · {d.total} changes,{' '}
              {d.counts.pending} to review, {d.counts.applied} applied
            </li>
          ))}
        </ul>
      )}

      <h2>Roll back</h2>
      <RollbackForm storeId={s.id} dreams={dreams} path={null} />
    </>
  );
};

/** The rollback form (GET: it shows a preview first; nothing is written until confirmed). */
export const RollbackForm: FC<{
  storeId: string;
  dreams: DreamSummary[];
  path: string | null;
  version?: string;
}> = ({ storeId, dreams, path, version }) => (
  <form method="get" action={`/stores/${storeId}/rollback`} class="panel">
    {path ? <input type="hidden" name="path" value={path} /> : null}
    <p class="full-line">
      {path ? (
        <>
          Restore <span class="mono">{path}</span> to
        </>
      ) : (
        'Restore the whole store to'
      )}{' '}
      one point (written as new versions; history is kept). Fill one field:
    </p>
    <label for="rb-version">
      a version id
      <input id="rb-version" name="version" class="mono" size={34} value={version ?? ''} />
    </label>
    <label for="rb-time">
      a time (ISO-8601)
      <input id="rb-time" name="time" placeholder="2026-03-01T10:00:00Z" />
    </label>
    <label for="rb-dream">
      before a dream
      <select id="rb-dream" name="before_dream">
        <option value="">—</option>
        {dreams.map((d) => (
          <option value={d.dream.id}>{d.dream.id}</option>
        ))}
      </select>
    </label>
    <button type="submit">Preview rollback</button>
  </form>
);

/** `/stores/:id/memory?path=`: the live content and every version, each restorable. */
export const MemoryPage: FC<{ history: MemoryHistory; dreams: DreamSummary[] }> = ({
  history: h,
  dreams,
}) => (
  <>
    <h1 class="mono">{h.path}</h1>
    <p class="muted">
      in <a href={`/stores/${h.memory_store_id}`}>{h.memory_store_id}</a> ·{' '}
      <a href={`/stores/${h.memory_store_id}/log?path=${encodeURIComponent(h.path)}`}>
        audit log of this path
      </a>
    </p>
    {h.memory ? (
      <>
        <p class="muted">
          {h.memory.content_size_bytes} bytes · sha256{' '}
          <span class="mono">{h.memory.content_sha256.slice(0, 16)}</span> · version{' '}
          <span class="mono">{h.memory.memory_version_id}</span>
        </p>
        <figure class="diffwrap">
          <figcaption class="sr-only">Current content</figcaption>
          <pre class="content">{h.memory.content}</pre>
        </figure>
      </>
    ) : (
      <p>This path holds no memory now (deleted or moved).</p>
    )}
    <h2>History</h2>
    <VersionTable storeId={h.memory_store_id} versions={h.versions} />
    <h2>Restore this path</h2>
    <RollbackForm storeId={h.memory_store_id} dreams={dreams} path={h.path} />
  </>
);

/** Versions as a table with links to each version, its dream and change. */
export const VersionTable: FC<{ storeId: string; versions: MemoryVersion[] }> = ({ storeId, versions }) => (
  <table>
    <caption class="sr-only">Versions, newest first</caption>
    <thead>
      <tr>
        <th scope="col">When</th>
        <th scope="col">Operation</th>
        <th scope="col">By</th>
        <th scope="col">Path</th>
        <th scope="col">Note</th>
        <th scope="col">Version</th>
      </tr>
    </thead>
    <tbody>
      {versions.map((v) => (
        <tr>
          <td>{when(v.created_at)}</td>
          <td>{v.operation}</td>
          <td>
            <Actor actor={v.created_by} />
            {v.dream_id ? (
              <>
                {' '}
                ·{' '}
                <a href={`/dreams/${v.dream_id}${v.change_id ? `#chg-${v.change_id}` : ''}`}>dream change</a>
              </>
            ) : null}
          </td>
          <td class="mono">{v.path ?? '—'}</td>
          <td>{v.note ?? ''}</td>
          <td>
            <a class="mono" href={`/stores/${storeId}/versions/${v.id}`}>
              {v.id}
            </a>
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** `/stores/:id/versions/:vid`: one version's content and a restore button. */
export const VersionPage: FC<{ version: MemoryVersion }> = ({ version: v }) => (
  <>
    <h1>
      Version <span class="mono">{v.id}</span>
    </h1>
    <p class="muted">
      {v.operation} <span class="mono">{v.path ?? ''}</span> · {when(v.created_at)} ·{' '}
      <Actor actor={v.created_by} />
      {v.note ? ` · ${v.note}` : ''}
    </p>
    {v.content !== null ? (
      <figure class="diffwrap">
        <figcaption class="sr-only">Content of this version</figcaption>
        <pre class="content">{v.content}</pre>
      </figure>
    ) : (
      <p>
        {v.operation === 'deleted'
          ? 'The memory was deleted in this version.'
          : 'The content of this version was redacted.'}
      </p>
    )}
    {v.path ? (
      <p>
        <a
          href={`/stores/${v.memory_store_id}/rollback?path=${encodeURIComponent(v.path)}&version=${v.id}`}
        >{`Restore ${v.path} to this version…`}</a>{' '}
        · <a href={memHref(v.memory_store_id, v.path)}>history of this path</a>
      </p>
    ) : null}
  </>
);

/** `/stores/:id/log`: who or what changed each memory, through which dream and change, with evidence. */
export const LogPage: FC<{
  storeId: string;
  path: string | null;
  entries: AuditEntry[];
  next: string | null;
}> = ({ storeId, path, entries, next }) => (
  <>
    <h1>Audit log{path ? <span class="mono"> {path}</span> : null}</h1>
    <p class="muted">
      store <a href={`/stores/${storeId}`}>{storeId}</a> · newest first
    </p>
    {entries.length === 0 ? <p>No versions.</p> : null}
    <ol class="plain-list">
      {entries.map((e) => (
        <li class="change version" id={`v-${e.version_id}`}>
          <header>
            <h3>
              {e.operation} <a href={memHref(storeId, e.path ?? '/')}>{e.path ?? '(redacted)'}</a>
            </h3>
            <span class="meta">
              {when(e.created_at)} · <Actor actor={e.created_by} /> ·{' '}
              <a class="mono" href={`/stores/${storeId}/versions/${e.version_id}`}>
                {e.version_id}
              </a>
            </span>
          </header>
          {e.note ? <p class="meta">{e.note}</p> : null}
          {e.change ? (
            <p>
              Through <a href={`/dreams/${e.dream_id}#chg-${e.change.id}`}>change {e.change.id}</a> of dream{' '}
              <a class="mono" href={`/dreams/${e.dream_id}`}>
                {e.dream_id}
              </a>{' '}
              ({e.change.kind}, {e.change.op}, support {e.change.support.sessions} sessions):{' '}
              {e.change.reason}
              {e.review ? (
                <>
                  {' '}
                  — {reviewWho(e.review)} {when(e.review.at)}
                  {e.review.comment ? ` (“${e.review.comment}”)` : ''}
                </>
              ) : null}
            </p>
          ) : e.dream_id ? (
            <p>
              Written by dream <a href={`/dreams/${e.dream_id}`}>{e.dream_id}</a>
            </p>
          ) : null}
          {e.evidence.length > 0 ? (
            <ul class="evidence">
              {e.evidence.slice(0, 6).map((ev) => (
                <li>
                  <a href={evidenceHref(ev.session_id, ev.seq_from, ev.seq_to)}>
                    {ev.session_title ?? ev.session_id}, events {ev.seq_from}–{ev.seq_to}
                  </a>
                  : <q>{ev.quote.replace(/\s+/g, ' ').slice(0, 200)}</q>
                </li>
              ))}
              {e.evidence.length > 6 ? <li class="muted">and {e.evidence.length - 6} more</li> : null}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
    {next ? (
      <p>
        <a
          href={`/stores/${storeId}/log?${path ? `path=${encodeURIComponent(path)}&` : ''}page=${encodeURIComponent(next)}`}
        >
          Older entries →
        </a>
      </p>
    ) : null}
  </>
);

/** `/stores/:id/rollback?…`: what a rollback will do, with the confirm button (POST). */
export const RollbackPreviewPage: FC<{ plan: RollbackPlan; fields: Record<string, string> }> = ({
  plan,
  fields,
}) => (
  <>
    <h1>Roll back to {plan.target}</h1>
    <p class="muted">
      store <a href={`/stores/${plan.memory_store_id}`}>{plan.memory_store_id}</a>
      {plan.path ? (
        <>
          {' '}
          · only <span class="mono">{plan.path}</span>
        </>
      ) : (
        ' · the whole store'
      )}{' '}
      · state as of version <span class="mono">{plan.as_of_version_id ?? '(empty store)'}</span>
    </p>
    {plan.steps.length === 0 ? (
      <p>Nothing to do: the store already matches that point.</p>
    ) : (
      <>
        <table>
          <caption class="sr-only">Rollback steps</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Path</th>
              <th scope="col">Restores</th>
            </tr>
          </thead>
          <tbody>
            {plan.steps.map((s) => (
              <tr>
                <td>
                  {s.action === 'create'
                    ? 're-create'
                    : s.action === 'delete'
                      ? 'delete'
                      : s.to_path
                        ? 'move back'
                        : 'restore content'}
                </td>
                <td class="mono">
                  {s.path}
                  {s.to_path ? ` → ${s.to_path}` : ''}
                </td>
                <td class="mono">
                  {s.from_version_id ? (
                    <a href={`/stores/${plan.memory_store_id}/versions/${s.from_version_id}`}>
                      {s.from_version_id}
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action={`/stores/${plan.memory_store_id}/rollback`}>
          {Object.entries(fields).map(([k, v]) => (
            <input type="hidden" name={k} value={v} />
          ))}
          <button type="submit" class="primary">
            Roll back ({plan.steps.length} step{plan.steps.length === 1 ? '' : 's'})
          </button>
        </form>
      </>
    )}
  </>
);

/** The error page: status, type and message, with a way back. */
export const ErrorPage: FC<{
  status: number;
  type: string;
  message: string;
  field: string | null;
  back: string | null;
}> = ({ status, type, message, field, back }) => (
  <>
    <h1>
      {status} {type}
    </h1>
    <p role="alert">{message}</p>
    {field ? (
      <p class="muted">
        Field: <span class="mono">{field}</span>
      </p>
    ) : null}
    <p>{back ? <a href={back}>← Back</a> : <a href="/dreams">← Dreams</a>}</p>
  </>
);
