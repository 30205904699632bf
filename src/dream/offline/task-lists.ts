/**
 * Task lists (issue 15): a person's message that enumerates items, "Issues that need fixing: 1. the fuel
 * type … 2. the AI review … 3. …" or "Before I run the migration, please confirm: 1) … 2) …". Its items
 * are the work of this task: a checklist, a bug list, a list of features. An item reads like a rule ("if
 * it does, we must extend those instead of …", "when adding a case this needs to also have …") that holds
 * for this list only; so, as in an answer to the agent's question or a dictated turn, only an item that
 * says it holds beyond the task (`saysForGood` in `answers.ts`: from now on, always or never opening a
 * clause, …) may be feedback, a preference or a fact.
 */

/**
 * An item label for `n`: "n." or "n)" (or "(n)"), at the start of the text or after white space, then
 * white space and the item's first character.
 */
const itemLabel = (n: number) => new RegExp(String.raw`(?:^|\s)\(?${n}[.)]\s+\S`);
const FIRST_ITEM = itemLabel(1);
const SECOND_ITEM = itemLabel(2);

/**
 * True when `text` enumerates items: an item labelled 1 and, after it, one labelled 2 ("1. …", "1) …",
 * "(1) …"). A version or a decimal ("1.5", "v2.1") is no label: a label is followed by white space.
 * @example taskList('Please confirm these items: 1) the invite expires 2) the script is idempotent') // true
 * @example taskList('bump it to 1.5 and keep 2.x working') // false
 */
export function taskList(text: string): boolean {
  const first = FIRST_ITEM.exec(text);
  if (!first) return false;
  return SECOND_ITEM.test(text.slice(first.index + first[0].length));
}

/** An issue tracker's key opening a message: `ENGOPS-1: …`, `[PROJ-123] …`, `ABC-42 - …`. */
const TICKET_KEY = /^\s*(?:\[[A-Z][A-Z0-9]{1,9}-\d+\]|[A-Z][A-Z0-9]{1,9}-\d+\s*(?::|\s[-–—]))\s+\S/;

/**
 * True when `text` opens with an issue tracker's key (Jira, Linear, YouTrack: `ENGOPS-1: Implement a
 * small change`): the ticket's title or body, pasted to start its work, so what it says is this task's.
 * @example ticketTask('ENGOPS-1: Implement a small, not integral change') // true
 * @example ticketTask('Use UTF-8 everywhere') // false
 */
export function ticketTask(text: string): boolean {
  return TICKET_KEY.test(text);
}
