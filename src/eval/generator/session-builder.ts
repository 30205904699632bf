/**
 * Appends events to a generated session with a deterministic clock: each event advances time by a
 * random number of seconds drawn from the session's {@link Rng}.
 */
import type { GenEvent } from './model.js';
import type { Rng } from './prng.js';

/** Call-id style: Claude Code (`toolu_01…`) or OpenAI (`call_…`). */
export type CallIdStyle = 'claude' | 'openai';

/** Options of a tool call's result. */
export interface CallResultOptions {
  isError?: boolean;
  /** Shell results: stdout/stderr for Claude Code's `toolUseResult`. */
  shell?: { stdout: string; stderr: string };
}

/**
 * Builds the event list of one session.
 * @example
 * const b = new SessionBuilder(rng, Date.UTC(2026, 0, 5), 'openai');
 * b.user('Ticket T-1: refund order #W1234567');
 * b.call('get_order', { order_id: '#W1234567' }, '{"status":"delivered"}');
 */
export class SessionBuilder {
  readonly events: GenEvent[] = [];
  #rng: Rng;
  #now: number;
  #style: CallIdStyle;

  /**
   * @param rng the session's generator.
   * @param startMs session start, ms since the epoch.
   * @param style call-id style of the target format.
   */
  constructor(rng: Rng, startMs: number, style: CallIdStyle) {
    this.#rng = rng;
    this.#now = startMs;
    this.#style = style;
  }

  /** Current clock, ms since the epoch. */
  get now(): number {
    return this.#now;
  }

  #tick(minS: number, maxS: number): number {
    this.#now += this.#rng.int(minS * 1000, maxS * 1000);
    return this.#now;
  }

  /** A system prompt (no time passes). */
  system(text: string): void {
    this.events.push({ t: 'system', at: this.#now, text });
  }

  /** A message from the human user (5–90 s of typing). */
  user(text: string): void {
    this.events.push({ t: 'user', at: this.#tick(5, 90), text });
  }

  /** Visible agent text (1–8 s). */
  say(text: string): void {
    this.events.push({ t: 'assistant', at: this.#tick(1, 8), text });
  }

  /** Agent reasoning (1–6 s). */
  think(text: string): void {
    this.events.push({ t: 'thinking', at: this.#tick(1, 6), text });
  }

  /** A fresh call id in the builder's style. */
  callId(): string {
    return this.#style === 'claude' ? `toolu_01${this.#rng.alnum(22)}` : `call_${this.#rng.alnum(24)}`;
  }

  /**
   * A tool call and its result. Returns the call id.
   * @param tool tool name, e.g. `get_order` or `Bash`.
   * @param input parsed arguments.
   * @param result the result text the agent sees.
   */
  call(tool: string, input: Record<string, unknown>, result: string, opts: CallResultOptions = {}): string {
    const call_id = this.callId();
    this.events.push({ t: 'tool_use', at: this.#tick(1, 6), tool, input, call_id });
    const ev: GenEvent = {
      t: 'tool_result',
      at: this.#tick(1, 25),
      call_id,
      tool,
      content: result,
      is_error: opts.isError === true,
    };
    if (opts.shell) ev.shell = opts.shell;
    this.events.push(ev);
    return call_id;
  }
}
