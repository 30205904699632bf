/** The dreams list and one dream's change set (grouped by kind) with bulk review and apply forms. */
import type { FC } from 'hono/jsx';
import type { CheckReport } from '../../domain/index.js';
import { CHANGE_KINDS } from '../../review/index.js';
import type { ChangeSetView, DreamSummary } from '../../service/review-service.js';
import { Badge, ChangeCard, KIND_TITLES, when } from '../components.js';

/** `/dreams`: every dream, newest first, with what is left to review. */
export const DreamsPage: FC<{ dreams: DreamSummary[] }> = ({ dreams }) => (
  <>
    <h1>Dreams</h1>
    <p class="muted">
      Each dream proposes a change set for its input store. Open one to review it like a pull request.
    </p>
    {dreams.length === 0 ? (
      <p>
        No dreams yet. Run <code>reverie dream --store STORE TRANSCRIPTS…</code> first.
      </p>
    ) : (
      <table>
        <caption class="sr-only">Dreams, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Dream</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Store</th>
            <th scope="col">Sessions</th>
            <th scope="col">Changes</th>
            <th scope="col">To review</th>
            <th scope="col">Applied</th>
          </tr>
        </thead>
        <tbody>
          {dreams.map((d) => (
            <tr>
              <td>
                <a class="mono" href={`/dreams/${d.dream.id}`}>
                  {d.dream.id}
                </a>
              </td>
              <td>
                <Badge status={d.dream.status} />
              </td>
              <td>{when(d.dream.created_at)}</td>
              <td>
                <a class="mono" href={`/stores/${d.target_store_id}`}>
                  {d.target_store_id}
                </a>
              </td>
              <td>{d.dream.inputs[1].session_ids.length}</td>
              <td>{d.total}</td>
              <td>{d.counts.pending}</td>
              <td>{d.counts.applied}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </>
);

/**
 * The dream's do-no-harm check (see `dream/check.ts`): the verdict, the input store's and the proposal's
 * scores on the held-back probe sessions, and each regression with the paths whose changes to review.
 */
const CheckPanel: FC<{ check: CheckReport | null }> = ({ check }) => {
  if (!check) return null;
  const row = (name: string, x: CheckReport['input']) => (
    <tr>
      <th scope="row">{name}</th>
      <td>
        {x.errors_covered} of {x.errors_total}
      </td>
      <td>{x.contradictions}</td>
      <td>{x.lost}</td>
    </tr>
  );
  return (
    <section class="panel" aria-labelledby="check-h">
      <h2 id="check-h" class="first">
        Do-no-harm check:{' '}
        {check.verdict === 'regression' ? 'regression' : check.verdict === 'pass' ? 'pass' : 'no probes'}
      </h2>
      <p class="muted">
        {check.probe_session_ids.length} probe sessions held back from the dream.{' '}
        {check.verdict === 'regression'
          ? 'The proposal is worse than the store on the probes: nothing is applied automatically.'
          : check.verdict === 'no_probes'
            ? 'No sessions were held back, so automatic mode applies only exact-duplicate merges.'
            : 'The proposal is no worse than the store on any probe class.'}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">store</th>
            <th scope="col">probe errors covered by a mistake memory with a fix</th>
            <th scope="col">contradictions</th>
            <th scope="col">lost</th>
          </tr>
        </thead>
        <tbody>
          {row('input', check.input)}
          {row('proposal', check.proposed)}
        </tbody>
      </table>
      {check.regressions.map((r) => (
        <p class="flash warning" role="note">
          {r.class}: {r.detail}
          {r.paths.length ? ` — review the changes on ${r.paths.join(', ')}` : ''}
        </p>
      ))}
    </section>
  );
};

/** `/dreams/:id`: the change set, grouped by kind, with bulk review, apply and automatic apply. */
export const DreamPage: FC<{ view: ChangeSetView }> = ({ view }) => {
  const { dream: d, counts } = view;
  const ready = counts.approved + counts.edited;
  const autoCount = Object.values(view.policy).filter((p) => p.auto).length;
  return (
    <>
      <h1>
        Dream <span class="mono">{d.id}</span> <Badge status={d.status} />
      </h1>
      <p class="muted">
        {d.engine} engine · {d.inputs[1].session_ids.length} sessions · created {when(d.created_at)}
        {d.ended_at ? ` · ended ${when(d.ended_at)}` : ''} ·{' '}
        {d.output_behavior.type === 'create_new' ? 'proposed as a new store' : 'proposed for the input store'}
      </p>
      <p>
        Apply writes to store{' '}
        <a href={`/stores/${view.target_store.id}`}>
          {view.target_store.name} (<span class="mono">{view.target_store.id}</span>)
        </a>
        {view.output_store_id ? (
          <>
            {' '}
            · the dream’s own output store:{' '}
            <a class="mono" href={`/stores/${view.output_store_id}`}>
              {view.output_store_id}
            </a>
          </>
        ) : null}
      </p>
      <p class="counts">
        <span class="sr-only">Changes by status:</span>
        {Object.entries(counts)
          .filter(([s, n]) => n > 0 || s === 'pending')
          .map(([s, n]) => (
            <span class={`badge st-${s}`}>
              {n} {s}
            </span>
          ))}
      </p>
      {view.warnings.map((w) => (
        <p class="flash warning" role="note">
          {w.message}
        </p>
      ))}
      <CheckPanel check={d.check ?? null} />

      <section class="panel" aria-labelledby="apply-h">
        <h2 id="apply-h" class="first">
          Apply
        </h2>
        <form method="post" action={`/dreams/${d.id}/apply`}>
          <label class="inline plain">
            <input type="checkbox" name="strict" value="1" /> all or nothing (write none if any change
            conflicts)
          </label>
          <button type="submit" class="primary" disabled={ready === 0}>
            Apply {ready} approved change{ready === 1 ? '' : 's'}
          </button>
        </form>
        <form method="post" action={`/dreams/${d.id}/auto-apply`}>
          <button type="submit" disabled={autoCount === 0}>
            Apply what the store policy allows ({autoCount})
          </button>
          <span class="muted">
            Policy of the store: <a href={`/stores/${view.target_store.id}#policy`}>edit</a>
          </span>
        </form>
      </section>

      <section class="panel" aria-labelledby="bulk-h">
        <h2 id="bulk-h" class="first">
          Review in bulk
        </h2>
        <form method="post" action={`/dreams/${d.id}/bulk`}>
          <label for="bulk-decision">
            Decision
            <select id="bulk-decision" name="decision">
              <option value="approve">approve</option>
              <option value="reject">reject</option>
              <option value="reset">reset to pending</option>
            </select>
          </label>
          <label for="bulk-kind">
            Kind
            <select id="bulk-kind" name="kind">
              <option value="">any kind</option>
              {CHANGE_KINDS.map((k) => (
                <option value={k}>{k}</option>
              ))}
            </select>
          </label>
          <label for="bulk-glob">
            Path glob
            <input id="bulk-glob" name="path_glob" placeholder="/mistakes/**" />
          </label>
          <label for="bulk-status">
            Changes that are
            <select id="bulk-status" name="status">
              <option value="pending">pending</option>
              <option value="approved">approved</option>
              <option value="edited">edited</option>
              <option value="rejected">rejected</option>
              <option value="any">any status</option>
            </select>
          </label>
          <label for="bulk-comment">
            Comment
            <input id="bulk-comment" name="comment" maxlength={4096} />
          </label>
          <button type="submit">Apply decision to matching changes</button>
        </form>
      </section>

      <nav aria-label="Kinds">
        {view.by_kind.map((g) => (
          <a href={`#kind-${g.kind}`} class="kind-link">
            {KIND_TITLES[g.kind]} ({g.changes.length})
          </a>
        ))}
      </nav>
      {view.changes.length === 0 ? <p>This dream proposes no changes.</p> : null}
      {view.by_kind.map((g) => (
        <section id={`kind-${g.kind}`} aria-labelledby={`kind-h-${g.kind}`}>
          <h2 id={`kind-h-${g.kind}`}>
            {KIND_TITLES[g.kind]} ({g.changes.length})
          </h2>
          {g.changes.map((c) => (
            <ChangeCard change={c} view={view} />
          ))}
        </section>
      ))}
    </>
  );
};
