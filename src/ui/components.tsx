/**
 * Building blocks of the review pages: status badges, unified diffs, evidence links into transcripts,
 * and the change card with its approve / edit / reject / reset forms.
 */
import type { FC } from 'hono/jsx';
import type { Change, ChangeKind, ChangeReview } from '../domain/index.js';
import { describeActor, describeReview } from '../review/index.js';
import { changeDiff } from '../service/change-report.js';
import type { ChangeSetView } from '../service/review-service.js';

/** Human titles of change kinds (plural, for section headings). */
export const KIND_TITLES: Record<ChangeKind, string> = {
  mistake: 'Mistakes',
  workflow: 'Workflows',
  preference: 'Preferences',
  feedback: 'Feedback',
  fact: 'Facts',
  index: 'Index',
  cleanup: 'Clean-up',
};

/** A status word in a colored pill (the word itself carries the meaning; color only helps). */
export const Badge: FC<{ status: string }> = ({ status }) => (
  <span class={`badge st-${status}`}>{status}</span>
);

/** Formats an ISO time as `2026-03-01 10:00:00 UTC` (short, unambiguous). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** Link to a session's events `from..to`, anchored at the first one. */
export function evidenceHref(sessionId: string, from: number, to: number): string {
  return `/sessions/${encodeURIComponent(sessionId)}?from=${from}&to=${to}#seq-${from}`;
}

/** A unified diff as colored lines (`+` added, `-` removed, `@@` hunk headers). */
export const Diff: FC<{ text: string; label: string }> = ({ text, label }) => (
  <figure class="diffwrap">
    <figcaption class="sr-only">{label}</figcaption>
    <pre class="diff">
      {text
        .split('\n')
        .filter((line) => !line.startsWith('Index: ') && !line.startsWith('===='))
        .map((line) => {
          const cls =
            line.startsWith('+++') || line.startsWith('---')
              ? 'file'
              : line.startsWith('@@')
                ? 'hunk'
                : line.startsWith('+')
                  ? 'add'
                  : line.startsWith('-')
                    ? 'del'
                    : '';
          return <span class={cls}>{line === '' ? ' ' : line}</span>;
        })}
    </pre>
  </figure>
);

const target = (c: Change) => (c.op === 'rename' ? `${c.path} → ${c.to_path}` : c.path);

/** One decision button as its own form (POST, then back to the card). */
const DecisionForm: FC<{
  change: Change;
  decision: string;
  label: string;
  cls?: string;
  withComment?: boolean;
}> = ({ change, decision, label, cls, withComment }) => (
  <form method="post" action={`/changes/${change.id}/decision`}>
    <input type="hidden" name="decision" value={decision} />
    {withComment ? (
      <>
        <label class="sr-only" for={`comment-${decision}-${change.id}`}>
          {`Comment on ${decision} of ${target(change)}`}
        </label>
        <input
          id={`comment-${decision}-${change.id}`}
          name="comment"
          placeholder="comment (optional)"
          maxlength={4096}
        />
      </>
    ) : null}
    <button type="submit" class={cls} aria-label={`${label} ${target(change)}`}>
      {label}
    </button>
  </form>
);

/** Evidence items shown before the rest is folded away. */
const EVIDENCE_SHOWN = 3;

/** Evidence items `from..to` of a change: a link to the session events, the outcome, and the quote. */
const EvidenceList: FC<{ change: Change; view: ChangeSetView; from: number; to: number }> = ({
  change,
  view,
  from,
  to,
}) => (
  <ul class="evidence">
    {change.evidence.slice(from, to).map((e) => {
      const s = view.sessions[e.session_id];
      const range = e.seq_from === e.seq_to ? `event ${e.seq_from}` : `events ${e.seq_from}–${e.seq_to}`;
      return (
        <li>
          <a href={evidenceHref(e.session_id, e.seq_from, e.seq_to)}>
            {s ? s.title || s.external_id : e.session_id}, {range}
          </a>
          {s?.outcome ? <span class="muted"> ({s.outcome.result})</span> : null}:{' '}
          <q>{e.quote.replace(/\s+/g, ' ').slice(0, 240)}</q>
        </li>
      );
    })}
  </ul>
);

/** Props of {@link ChangeCard}. */
export interface ChangeCardProps {
  change: Change;
  view: ChangeSetView;
}

/** A change: title, status, reason, support, evidence, diff, review record, and its decision forms. */
export const ChangeCard: FC<ChangeCardProps> = ({ change: c, view }) => {
  const policy = view.policy[c.id];
  const r = c.review;
  const original =
    r?.original_after !== undefined && r.original_after !== c.after ? r.original_after : undefined;
  return (
    <article class={`change s-${c.status}`} id={`chg-${c.id}`} aria-labelledby={`title-${c.id}`}>
      <header>
        <h3 id={`title-${c.id}`}>
          <span class="mono">{c.op}</span> {target(c)}
        </h3>
        <Badge status={c.status} />
        <span class="meta">
          {c.kind} · confidence {c.confidence.toFixed(2)} · support {c.support.sessions} session
          {c.support.sessions === 1 ? '' : 's'}, {c.support.agents} agent{c.support.agents === 1 ? '' : 's'} ·{' '}
          <span class="mono">{c.id}</span>
        </span>
      </header>
      <p class="reason">
        <strong>Why:</strong> {c.reason}
      </p>
      {policy ? (
        <p class="meta">
          Policy: {policy.auto ? 'would be applied automatically' : 'held for review'} — {policy.why}
        </p>
      ) : null}
      {r ? (
        <p class="meta">
          {reviewWho(r)} on {when(r.at)}
          {r.comment ? <> — “{r.comment}”</> : null}
          {c.applied_at ? <> · applied {when(c.applied_at)}</> : null}
        </p>
      ) : null}
      {c.status === 'conflict' && r?.conflict ? (
        <p class="flash error" role="note">
          <strong>Conflict:</strong> {r.conflict.message}
        </p>
      ) : null}
      {c.evidence.length > 0 ? (
        <>
          <p class="meta">Evidence ({c.evidence.length}):</p>
          <EvidenceList change={c} view={view} from={0} to={EVIDENCE_SHOWN} />
          {c.evidence.length > EVIDENCE_SHOWN ? (
            <details>
              <summary>{`${c.evidence.length - EVIDENCE_SHOWN} more evidence item${c.evidence.length - EVIDENCE_SHOWN === 1 ? '' : 's'}`}</summary>
              <EvidenceList change={c} view={view} from={EVIDENCE_SHOWN} to={c.evidence.length} />
            </details>
          ) : null}
        </>
      ) : null}
      <Diff
        text={changeDiff(c)}
        label={`Diff of ${target(c)}${c.status === 'edited' ? ' (with the reviewer’s edit)' : ''}`}
      />
      {original !== undefined ? (
        <details>
          <summary>The engine’s original proposal (replaced by the reviewer’s edit)</summary>
          <Diff text={changeDiff({ ...c, after: original })} label={`Original proposal for ${target(c)}`} />
        </details>
      ) : null}
      {c.status === 'applied' ? null : (
        <div class="actions">
          {c.status === 'conflict' ? (
            <form method="post" action={`/changes/${c.id}/rebase`}>
              <button type="submit" aria-label={`Rebase ${target(c)} onto the current content`}>
                Rebase onto current content
              </button>
            </form>
          ) : (
            <DecisionForm change={c} decision="approve" label="Approve" cls="approve" withComment />
          )}
          <DecisionForm change={c} decision="reject" label="Reject" cls="reject" withComment />
          {c.status !== 'pending' ? (
            <DecisionForm change={c} decision="reset" label="Reset to pending" />
          ) : null}
          {c.op !== 'delete' && c.status !== 'conflict' ? (
            <details>
              <summary>Edit the content before approving</summary>
              <form method="post" action={`/changes/${c.id}/decision`} class="stack">
                <input type="hidden" name="decision" value="edit" />
                <label for={`content-${c.id}`}>{`New content of ${c.to_path ?? c.path}`}</label>
                {/* A leading newline: HTML drops the first one after <textarea>, so content starting with one survives. */}
                <textarea id={`content-${c.id}`} name="content" spellcheck={false}>
                  {`\n${c.after ?? ''}`}
                </textarea>
                <label for={`edit-comment-${c.id}`}>Comment (optional)</label>
                <input id={`edit-comment-${c.id}`} name="comment" maxlength={4096} />
                <div>
                  <button type="submit" class="primary" aria-label={`Save edit of ${target(c)}`}>
                    Save edit (approves it)
                  </button>
                </div>
              </form>
            </details>
          ) : null}
        </div>
      )}
    </article>
  );
};

/** Who decided a change, in words: `edited by ana`, `approved by the store policy`. */
export function reviewWho(r: ChangeReview): string {
  return describeReview({ ...r, comment: null }, { withTime: false });
}

/** A version's author for people (see `describeActor`). */
export const Actor: FC<{ actor: { type: string; id: string } }> = ({ actor }) => (
  <span>{describeActor(actor as Parameters<typeof describeActor>[0])}</span>
);
