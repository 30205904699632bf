/** Tool results of the MCP server: text, and failures as `isError` results (never protocol errors). */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ReverieError } from '../domain/index.js';

/** A tool's text result. */
export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

/** Runs `fn`; its string is the result, anything thrown becomes an `isError` result carrying the message. */
export async function toolCall(fn: () => Promise<string>): Promise<CallToolResult> {
  try {
    return textResult(await fn());
  } catch (e) {
    const text = ReverieError.isInstance(e) ? `${e.type}: ${e.message}` : (e as Error).message;
    return { content: [{ type: 'text', text }], isError: true };
  }
}
