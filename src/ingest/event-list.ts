/**
 * Builds a session's normalized event list with dense, 0-based `seq` numbers (DESIGN.md event model).
 * Every event gets the same key order (`seq`, `type`, `timestamp`, `source`, then its fields) so that
 * hashing the JSON of the events is stable across importers.
 */
import type {
  AgentToolResultEvent,
  AgentToolUseEvent,
  SessionEvent,
  SourcePointer,
  Timestamp,
  ToolKind,
} from '../domain/index.js';

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

  /**
   * Appends an `agent.tool_use`; `input` is the parsed arguments (or the raw string), `kind` its
   * normalized kind, `command` the command line of a shell call (omitted when `undefined`).
   * @returns the event, so that an importer can complete it later.
   */
  toolUse(
    tool: string,
    kind: ToolKind,
    input: unknown,
    call_id: string,
    timestamp: Timestamp | null,
    source: SourcePointer,
    command?: string,
  ): AgentToolUseEvent {
    const event: AgentToolUseEvent = {
      seq: this.#events.length,
      type: 'agent.tool_use',
      timestamp,
      source,
      tool,
      kind,
      input,
      call_id,
    };
    if (command !== undefined) event.command = command;
    this.#events.push(event);
    return event;
  }

  /**
   * Appends an `agent.tool_result`; `exit_code` (a shell call's exit status) is omitted when
   * `undefined`.
   * @returns the event, so that an importer can complete it when a later line gives the exit code.
   */
  toolResult(
    call_id: string,
    tool: string | null,
    content: string,
    is_error: boolean,
    timestamp: Timestamp | null,
    source: SourcePointer,
    exit_code?: number | null,
  ): AgentToolResultEvent {
    const event: AgentToolResultEvent = {
      seq: this.#events.length,
      type: 'agent.tool_result',
      timestamp,
      source,
      call_id,
      tool,
      content,
      is_error,
    };
    if (exit_code !== undefined) event.exit_code = exit_code;
    this.#events.push(event);
    return event;
  }

  /** Appends an already-shaped event, overwriting its `seq` with the next one. */
  push(event: SessionEvent): void {
    event.seq = this.#events.length;
    this.#events.push(event);
  }
}
