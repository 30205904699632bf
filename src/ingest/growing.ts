/**
 * Transcripts that an agent is still writing. Agents append one JSON object per line and flush as they
 * go, so a file read mid-write can end in a line that is not complete yet (no newline after it, and
 * not parseable). {@link completeLines} drops that unfinished tail so that what is complete imports
 * now; the next import of the same file reads the rest (the session keeps its external id, so it is
 * updated, not duplicated). A broken line anywhere else, or a broken last line followed by a newline,
 * is still an error naming its line.
 */

/**
 * The part of a JSONL text that is complete: the whole text when it ends with a newline or its last
 * line parses as JSON, else everything up to and including the last newline.
 * @example completeLines('{"a":1}\n{"b":') // '{"a":1}\n'
 */
export function completeLines(text: string): string {
  if (text.length === 0 || text.endsWith('\n')) return text;
  const nl = text.lastIndexOf('\n');
  const tail = text.slice(nl + 1).trim();
  if (tail === '') return text;
  try {
    JSON.parse(tail);
    return text;
  } catch {
    return text.slice(0, nl + 1);
  }
}
