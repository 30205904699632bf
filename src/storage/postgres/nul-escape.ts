/**
 * PostgreSQL `text` cannot hold U+0000 (SQLite's can, and a tool result that printed a binary file
 * does). This Kysely plugin keeps the two backends equivalent: every string parameter is escaped on the
 * way in and every string column unescaped on the way out, with U+0001 as the escape character
 * (`\u0000` → `\u0001` `0`, `\u0001` → `\u0001` `1`). Strings without either character (all paths, ids,
 * cursors and JSON columns: paths forbid control characters, JSON escapes them) pass through unchanged,
 * so comparisons and ordering in SQL are unaffected.
 */
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

const NEEDS_ESCAPE = /[\u0000\u0001]/;
const ESCAPED = /[\u0000\u0001]/g;
const ESCAPE_SEQ = /\u0001([01])/g;

/** Escapes U+0000 and U+0001 (see the module comment); returns `s` itself when it holds neither. */
export function escapeNul(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPED, (c) => (c === '\u0000' ? '\u00010' : '\u00011'));
}

/** Inverse of {@link escapeNul}; returns `s` itself when it holds no U+0001. */
export function unescapeNul(s: string): string {
  if (!s.includes('\u0001')) return s;
  return s.replace(ESCAPE_SEQ, (_, d: string) => (d === '0' ? '\u0000' : '\u0001'));
}

const esc = (v: unknown): unknown => (typeof v === 'string' ? escapeNul(v) : v);

class EscapeParameters extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return typeof node.value === 'string' ? { ...node, value: escapeNul(node.value) } : node;
  }
  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return node.values.some((v) => typeof v === 'string') ? { ...node, values: node.values.map(esc) } : node;
  }
}

/** The plugin described in the module comment. Stateless; one instance may serve any number of queries. */
export class NulEscapePlugin implements KyselyPlugin {
  readonly #transformer = new EscapeParameters();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of args.result.rows) {
      for (const k in row) {
        const v = row[k];
        if (typeof v === 'string' && v.includes('\u0001')) row[k] = unescapeNul(v);
      }
    }
    return args.result;
  }
}
