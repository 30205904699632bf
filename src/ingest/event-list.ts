/**
 * Builds a session's normalized event list with dense, 0-based `seq` numbers (DESIGN.md event model).
 * Every event gets the same key order (`seq`, `type`, `timestamp`, `source`, then its fields) so that
 * hashing the JSON of the events is stable across importers.
 */
import type { SessionEvent, SourcePointer, Timestamp } from '../domain/index.js';

/** Appends normalized events; `seq` is assigned from the current length. */
export class EventList {
  #events: SessionEvent[] = [];

  /** The events so far (the live array, not a copy). */
  get events(): SessionEvent[] {
    return this.#events;
  }

  /** Number of events so far. */
  get length(): number {
    return this.#events.length;
  }

  /** Appends a `user.message`. */
  userMessage(text: string, timestamp: Timestamp | null, source: SourcePointer): void {
    this.#events.push({ seq: this.#events.length, type: 'user.message', timestamp, source, text });
  }

  /** Appends an `agent.message`. */
  agentMessage(text: string, timestamp: Timestamp | null, source: SourcePointer): void {
    this.#events.push({ seq: this.#events.length, type: 'agent.message', timestamp, source, text });
  }

  /** Appends an `agent.thinking`. */
  thinking(text: string, timestamp: Timestamp | null, source: SourcePointer): void {
    this.#events.push({ seq: this.#events.length, type: 'agent.thinking', timestamp, source, text });
  }

  /** Appends a `system.message`. */
  systemMessage(text: string, timestamp: Timestamp | null, source: SourcePointer): void {
    this.#events.push({ seq: this.#events.length, type: 'system.message', timestamp, source, text });
  }

  /** Appends an `agent.tool_use`; `input` is the parsed arguments (or the raw string). */
  toolUse(
    tool: string,
    input: unknown,
    call_id: string,
    timestamp: Timestamp | null,
    source: SourcePointer,
  ): void {
    this.#events.push({
      seq: this.#events.length,
      type: 'agent.tool_use',
      timestamp,
      source,
      tool,
      input,
      call_id,
    });
  }

  /** Appends an `agent.tool_result`. */
  toolResult(
    call_id: string,
    tool: string | null,
    content: string,
    is_error: boolean,
    timestamp: Timestamp | null,
    source: SourcePointer,
  ): void {
    this.#events.push({
      seq: this.#events.length,
      type: 'agent.tool_result',
      timestamp,
      source,
      call_id,
      tool,
      content,
      is_error,
    });
  }

  /** Appends an already-shaped event, overwriting its `seq` with the next one. */
  push(event: SessionEvent): void {
    event.seq = this.#events.length;
    this.#events.push(event);
  }
}
