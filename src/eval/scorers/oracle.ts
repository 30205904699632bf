/**
 * A hand-made "perfect" dream result built from the ground truth: the reference the scorers must
 * rate 1.0 with zero leakage, and a template for leaky variants in tests. Not an engine: it reads the
 * answers.
 */
import type { ProposedChange } from '../../dream/types.js';
import type { GroundTruth, MarkerSpec } from '../ground-truth.js';
import { matchesSpec } from './markers.js';
import { classifyFile, INDEX_FILE } from './memory-files.js';
import type { DreamOutput, InputFile } from './planted.js';

/** Text that satisfies `spec`: the first alternative of every group, then the ordered sequence. */
export function textFor(spec: MarkerSpec): string {
  const parts = spec.all.map((g) => g[0]!);
  if (spec.ordered) parts.push(spec.ordered.seq.join(' → '));
  return parts.join('; ');
}

function slug(id: string): string {
  return id.split('.').slice(1).join('-');
}

function change(
  op: ProposedChange['op'],
  path: string,
  before: string | null,
  after: string | null,
  kind: ProposedChange['kind'],
  reason: string,
): ProposedChange {
  return {
    op,
    path,
    to_path: null,
    before,
    after,
    base_sha256: null,
    kind,
    reason,
    confidence: 0.9,
    support: { sessions: 2, agents: 2 },
    evidence: [{ session_id: 'sesn_oracle', seq_from: 0, seq_to: 0, quote: reason.slice(0, 40) }],
  };
}

/**
 * Builds the ideal output for `gt` over `input`: input duplicates merged (extra copies deleted with a
 * reason), contradicted memories updated to the new value ("previously …"), one memory per expected
 * item not already covered by a kept input memory of its kind, and a `/MEMORY.md` index.
 */
export function oracleResult(gt: GroundTruth, input: InputFile[]): DreamOutput {
  const files = new Map<string, string>();
  const changes: ProposedChange[] = [];
  for (const f of input) if (f.path !== INDEX_FILE) files.set(f.path, f.content);

  for (const g of gt.memory.duplicate_groups) {
    const [keep, ...drop] = g.paths;
    for (const p of drop) {
      changes.push(
        change('delete', p, files.get(p) ?? null, null, 'cleanup', `duplicate of ${keep}; merged`),
      );
      files.delete(p);
    }
  }
  for (const item of gt.items) {
    const ch = item.change;
    if (!ch) continue;
    for (const p of ch.memory_paths) {
      const before = files.get(p);
      if (before === undefined) continue;
      const after = before.split(ch.old_value).join(`${ch.new_value} (previously ${ch.old_value})`);
      files.set(p, after);
      changes.push(change('update', p, before, after, 'fact', `${ch.key} changed on ${ch.changed_at}`));
    }
  }
  for (const item of gt.items) {
    if (!item.expected) continue;
    const covered = [...files].some(([p, c]) => {
      const f = classifyFile(p, c);
      return f.kind === item.kind && matchesSpec(c, item.markers);
    });
    if (covered) continue;
    const folder = {
      mistake: 'mistakes',
      workflow: 'workflows',
      preference: 'preferences',
      fact: 'facts',
      feedback: 'feedback',
    }[item.kind];
    const path = `/${folder}/${slug(item.id)}.md`;
    const content = `---\nkind: ${item.kind}\nsummary: ${item.title}\nsupport: ${item.support.sessions}\nconfidence: 0.9\nlast_seen: ${item.last_seen}\n---\n${textFor(item.markers)}\n`;
    files.set(path, content);
    changes.push(
      change('create', path, null, content, item.kind, `recurs in ${item.support.sessions} sessions`),
    );
  }
  const paths = [...files.keys()].sort();
  const index = `# Memory\n\n${paths.map((p) => `- [${p}](${p})`).join('\n')}\n`;
  files.set(INDEX_FILE, index);
  changes.push(change('update', INDEX_FILE, null, index, 'index', 'index rewritten'));
  return {
    files: [...files]
      .map(([path, content]) => ({ path, content }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    changes,
  };
}
