/** A transcript: its events with anchors `#seq-N`, so evidence links land on the exact event. */
import type { FC } from 'hono/jsx';
import type { Session, SessionEvent } from '../../domain/index.js';
import { when } from '../components.js';

function body(e: SessionEvent): string {
  switch (e.type) {
    case 'agent.tool_use':
      return `${e.tool}(${typeof e.input === 'string' ? e.input : JSON.stringify(e.input, null, 1)})`;
    case 'agent.tool_result':
      return e.content;
    default:
      return e.text;
  }
}

/** `/sessions/:id`: the session's metadata and every event; events `from..to` are highlighted. */
export const SessionPage: FC<{
  session: Session;
  events: SessionEvent[];
  from: number | null;
  to: number | null;
}> = ({ session: s, events, from, to }) => (
  <>
    <h1>{s.title || s.external_id}</h1>
    <p class="muted">
      <span class="mono">{s.id}</span> · {s.source_format} · agent {s.agent_id}
      {s.user_id ? ` · user ${s.user_id}` : ''} · {s.event_count} events · outcome{' '}
      {s.outcome?.result ?? 'unknown'}
      {s.outcome?.score !== null && s.outcome?.score !== undefined ? ` (score ${s.outcome.score})` : ''}
    </p>
    <p class="muted">
      source <span class="mono">{s.source_file}</span> · external id <span class="mono">{s.external_id}</span>
      {s.started_at ? ` · started ${when(s.started_at)}` : ''}
    </p>
    {from !== null ? (
      <p>
        Highlighted: the evidence, events {from}
        {to !== null && to !== from ? `–${to}` : ''}.
      </p>
    ) : null}
    <ol class="events" aria-label="Events">
      {events.map((e) => {
        const hl = from !== null && e.seq >= from && e.seq <= (to ?? from);
        const error = e.type === 'agent.tool_result' && e.is_error;
        return (
          <li id={`seq-${e.seq}`} class={hl ? 'hl' : ''}>
            <a class="mono" href={`#seq-${e.seq}`} aria-label={`Event ${e.seq}`}>
              #{e.seq}
            </a>
            <span class="mono">
              {e.type}
              {error ? <span class="err"> error</span> : null}
            </span>
            <div class="body">{body(e)}</div>
          </li>
        );
      })}
    </ol>
  </>
);
