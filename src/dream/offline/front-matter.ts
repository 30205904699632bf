/**
 * A tiny front-matter reader/writer for memory files: a leading `---` line, flat `key: value` lines,
 * and a closing `---` line (the YAML subset Claude Code memory files and Jekyll use). Values are kept
 * as raw strings; reverie writes only flat scalars and the inline map `{sessions: N, agents: M}`.
 */

/** A memory file split into its front matter and body. */
export interface ParsedMemoryFile {
  /** Keys in file order with raw (trimmed, unquoted) values; empty when there is no front matter. */
  fields: Record<string, string>;
  /** Everything after the front matter (the whole text when there is none). */
  body: string;
  /** True if the file starts with a well-formed front-matter block. */
  hasFrontMatter: boolean;
}

/** Splits `content` into front matter and body. Malformed front matter counts as body. */
export function parseFrontMatter(content: string): ParsedMemoryFile {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(content);
  if (!m) return { fields: {}, body: content, hasFrontMatter: false };
  const fields: Record<string, string> = {};
  for (const line of m[1]!.split(/\r?\n/)) {
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    let v = kv[2]!.trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) {
      try {
        v = JSON.parse(v) as string;
      } catch {
        v = v.slice(1, -1);
      }
    } else if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) v = v.slice(1, -1).replace(/''/g, "'");
    fields[kv[1]!] = v;
  }
  return { fields, body: content.slice(m[0].length), hasFrontMatter: true };
}

/** Quotes a scalar for front matter when YAML would otherwise misread it. */
export function yamlScalar(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const v = value.replace(/\s+/g, ' ').trim();
  if (
    v === '' ||
    /^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(v) ||
    /: |\s#/.test(v) ||
    /^(?:true|false|null|yes|no|~)$/i.test(v) ||
    /^[\d.+-]+$/.test(v)
  ) {
    return JSON.stringify(v);
  }
  return v;
}

/**
 * Renders a front-matter block (with trailing newline) from ordered `[key, value]` pairs. Values that
 * are already rendered inline maps (starting with `{`) are written as is.
 */
export function renderFrontMatter(pairs: readonly (readonly [string, string | number])[]): string {
  const lines = pairs.map(
    ([k, v]) => `${k}: ${typeof v === 'string' && v.startsWith('{') ? v : yamlScalar(v)}`,
  );
  return `---\n${lines.join('\n')}\n---\n`;
}

/** Splits `content` into the raw front-matter block (with delimiters and newline; `''` if none) and the body. */
export function splitFrontMatter(content: string): { head: string; body: string } {
  const m = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(content);
  if (!m) return { head: '', body: content };
  return { head: m[0], body: content.slice(m[0].length) };
}
