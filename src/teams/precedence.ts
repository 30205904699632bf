/**
 * Precedence between scopes (issue 14 item 4): a person's (or agent's) own memory overrides the
 * team's for that person, and a team memory that contradicts an organisation memory is flagged for a
 * reviewer, never resolved silently. Contradiction is the engine's own rule for facts
 * (`src/dream/offline/facts.ts`: the same subject with a different value, e.g. `package manager: pnpm`
 * against `package manager: yarn`); a memory at the same path counts as overriding too.
 */
import { extractFacts, factsContradict, parseFrontMatter } from '../dream/index.js';

/** A memory as the rules here read it. */
export interface ScopedMemory {
  path: string;
  content: string;
}

/**
 * The memories of `others` that `memory` contradicts (by the engine's fact rule) or shares its path
 * with, in the order of `others`, with the reason of each.
 */
export function conflictsWith(
  memory: ScopedMemory,
  others: readonly ScopedMemory[],
): { path: string; why: 'same_path' | 'contradiction' }[] {
  const mine = extractFacts(parseFrontMatter(memory.content).body);
  const out: { path: string; why: 'same_path' | 'contradiction' }[] = [];
  for (const o of others) {
    if (o.path === memory.path) {
      out.push({ path: o.path, why: 'same_path' });
      continue;
    }
    if (mine.length === 0) continue;
    const theirs = extractFacts(parseFrontMatter(o.content).body);
    if (mine.some((a) => theirs.some((b) => factsContradict(a, b))))
      out.push({ path: o.path, why: 'contradiction' });
  }
  return out;
}
