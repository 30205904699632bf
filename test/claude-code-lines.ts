/**
 * Claude Code project-file lines for tests: the shape of `~/.claude/projects/<project>/<session>.jsonl`
 * lines as Claude Code 2.x writes them (a `user` line with the person's text, an `assistant` line with one
 * text block under its message id). Texts are the tests' own.
 */

/** Where a line belongs: its session id and, when given, the working folder and time it carries. */
export interface ClaudeCodeLineContext {
  sessionId: string;
  cwd?: string;
  /** ISO 8601; default `2026-02-03T09:00:00Z`. */
  timestamp?: string;
}

/**
 * One JSONL line (no newline): a `user` line whose content is `text`, or an `assistant` line with one
 * text block, message id `msg_<uuid>`, model `claude-sonnet-4-5`.
 */
export function claudeCodeLine(
  ctx: ClaudeCodeLineContext,
  uuid: string,
  type: 'user' | 'assistant',
  text: string,
): string {
  const message =
    type === 'user'
      ? { role: 'user', content: text }
      : {
          id: `msg_${uuid}`,
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [{ type: 'text', text }],
        };
  return JSON.stringify({
    type,
    uuid,
    sessionId: ctx.sessionId,
    ...(ctx.cwd === undefined ? {} : { cwd: ctx.cwd }),
    message,
    timestamp: ctx.timestamp ?? '2026-02-03T09:00:00Z',
  });
}
