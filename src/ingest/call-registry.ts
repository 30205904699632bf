/**
 * Pairs tool results with tool calls when sources reuse call ids. τ-bench's GPT-4o trajectories reuse
 * one `tool_call_id` for different calls in a session; a result answers the most recent call with
 * that id that has no result yet. Normalized call ids are made unique within the session: the first
 * call keeps the source id, later ones get `#2`, `#3`, ….
 */

/** A call as registered: its unique normalized id and tool name. */
export interface RegisteredCall {
  call_id: string;
  tool: string;
}

/** Per-session registry of tool calls; create one per session. */
export class CallRegistry {
  #issued = new Map<string, number>();
  #pending = new Map<string, RegisteredCall[]>();
  #last = new Map<string, RegisteredCall>();

  /**
   * Registers a call with the source id `rawId` and returns its unique normalized id
   * (`rawId`, then `rawId#2`, `rawId#3`, … on reuse).
   */
  issue(rawId: string, tool: string): string {
    const n = (this.#issued.get(rawId) ?? 0) + 1;
    this.#issued.set(rawId, n);
    const call: RegisteredCall = { call_id: n === 1 ? rawId : `${rawId}#${n}`, tool };
    const stack = this.#pending.get(rawId);
    if (stack) stack.push(call);
    else this.#pending.set(rawId, [call]);
    this.#last.set(rawId, call);
    return call.call_id;
  }

  /**
   * Finds the call a result with source id `rawId` answers: the most recent unanswered call with that
   * id (which is then answered). When all are answered, the most recent call with that id (a second
   * result for it); when the id was never issued, `null`.
   */
  answer(rawId: string): RegisteredCall | null {
    const stack = this.#pending.get(rawId);
    if (stack && stack.length > 0) return stack.pop()!;
    return this.#last.get(rawId) ?? null;
  }
}
