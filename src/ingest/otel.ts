/**
 * OpenTelemetry GenAI spans in OTLP JSON (the OTLP/HTTP JSON encoding of `ExportTraceServiceRequest`:
 * `{resourceSpans: [{resource: {attributes}, scopeSpans: [{spans: [{traceId, spanId, parentSpanId,
 * name, startTimeUnixNano, attributes: [{key, value: {stringValue | intValue | …}}], status: {code}}]}]}]}`),
 * one document or one per line as the OTLP file exporter writes them. Attributes follow the GenAI
 * semantic conventions (opentelemetry.io/docs/specs/semconv/gen-ai, status Development):
 * `gen_ai.operation.name` (`chat`, `generate_content`, `text_completion`, `invoke_agent`,
 * `execute_tool`), `gen_ai.conversation.id` (the session), `gen_ai.agent.name`,
 * `gen_ai.system_instructions`, `gen_ai.input.messages` / `gen_ai.output.messages` (JSON of `[{role,
 * parts: [{type: text, content} | {type: tool_call, id, name, arguments} | {type: tool_call_response,
 * id, response} | {type: reasoning, content}]}]`), `gen_ai.tool.name`, `gen_ai.tool.call.id`,
 * `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`, `error.type`.
 *
 * Sessions: spans are grouped by `gen_ai.conversation.id` (a span without one takes its parent's, else
 * its trace's; a trace with none is the session `trace:<traceId>`) and read in start-time order. Model
 * spans carry the whole history in `gen_ai.input.messages`: a message is emitted once, by its position
 * in the conversation (input `i`, output `inputs + j`). Parts: user `text` → `user.message`, assistant
 * `text` → `agent.message`, `reasoning` → `agent.thinking`, `tool_call` → `agent.tool_use` (kinds from
 * {@link GENERIC_TOOL_KINDS}), `tool_call_response` → `agent.tool_result`; system instructions and
 * system messages → `system.message`. An `execute_tool` span is the call (if no message announced it)
 * and its result, failed when the span status is ERROR (`code: 2`) or `error.type` is set; a result
 * already given by the span is not repeated from the next model call's history. No outcome.
 * external_id `otel:<conversation id>`; agent_id `gen_ai.agent.name`, else the resource's
 * `service.name`, else `otel`. Pointers `{file, line?, index: <span ordinal in the file>, pointer:
 * '/resourceSpans/r/scopeSpans/s/spans/k'}`.
 */
import { ImportError, type SourcePointer, type Timestamp } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import { parseArguments } from './chat-messages.js';
import { EventList } from './event-list.js';
import { forEachLine, isRecord, parseJsonLine } from './json.js';
import { isOpenAiToolError } from './openai-chat.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, truncateMiddle } from './text.js';
import { GENERIC_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** One span with its decoded attributes and where it sits in the file. */
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  start: bigint;
  attrs: Record<string, unknown>;
  resource: Record<string, unknown>;
  statusCode: number;
  statusMessage: string;
  source: SourcePointer;
}

/** True for an OTLP JSON traces document (`resourceSpans`). */
export function isOtlpTraces(data: unknown): boolean {
  return isRecord(data) && Array.isArray(data.resourceSpans);
}

/** Decodes an OTLP `AnyValue` (`{stringValue}`, `{intValue}`, `{arrayValue: {values}}`, …). */
function anyValue(v: unknown): unknown {
  if (!isRecord(v)) return null;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if (isRecord(v.arrayValue))
    return (Array.isArray(v.arrayValue.values) ? v.arrayValue.values : []).map(anyValue);
  if (isRecord(v.kvlistValue)) return attributes(v.kvlistValue.values);
  return null;
}

/** OTLP `[{key, value}]` → a plain object. */
function attributes(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(list))
    for (const a of list) if (isRecord(a) && typeof a.key === 'string') out[a.key] = anyValue(a.value);
  return out;
}

/** Appends the spans of one OTLP document. */
function collect(doc: unknown, file: string, line: number | undefined, out: Span[]): void {
  if (!isOtlpTraces(doc))
    throw new ImportError(file, 'otel: expected an OTLP JSON document with resourceSpans', line);
  const rss = (doc as { resourceSpans: unknown[] }).resourceSpans;
  rss.forEach((rs, r) => {
    if (!isRecord(rs)) return;
    const resource = attributes(isRecord(rs.resource) ? rs.resource.attributes : undefined);
    const sss = Array.isArray(rs.scopeSpans)
      ? rs.scopeSpans
      : Array.isArray(rs.instrumentationLibrarySpans)
        ? rs.instrumentationLibrarySpans
        : [];
    sss.forEach((ss: unknown, s: number) => {
      const spans = isRecord(ss) && Array.isArray(ss.spans) ? ss.spans : [];
      spans.forEach((sp: unknown, k: number) => {
        if (!isRecord(sp)) return;
        const status = isRecord(sp.status) ? sp.status : {};
        const code =
          typeof status.code === 'number' ? status.code : status.code === 'STATUS_CODE_ERROR' ? 2 : 0;
        const source: SourcePointer = {
          file,
          index: out.length,
          pointer: `/resourceSpans/${r}/scopeSpans/${s}/spans/${k}`,
        };
        if (line !== undefined) source.line = line;
        out.push({
          traceId: String(sp.traceId ?? ''),
          spanId: String(sp.spanId ?? ''),
          parentSpanId: String(sp.parentSpanId ?? ''),
          start: BigInt(String(sp.startTimeUnixNano ?? '0').replace(/\D/g, '') || '0'),
          attrs: attributes(sp.attributes),
          resource,
          statusCode: code,
          statusMessage: typeof status.message === 'string' ? status.message : '',
          source,
        });
      });
    });
  });
}

/** `gen_ai.conversation.id` of each span: its own, its parent's, its trace's, else `trace:<id>`. */
function conversations(spans: Span[]): Map<Span, string> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const byTrace = new Map<string, string>();
  for (const s of spans) {
    const c = s.attrs['gen_ai.conversation.id'];
    if (typeof c === 'string' && !byTrace.has(s.traceId)) byTrace.set(s.traceId, c);
  }
  const out = new Map<Span, string>();
  for (const s of spans) {
    let cur: Span | undefined = s;
    let id: string | null = null;
    for (let hops = 0; cur && hops < 64 && id === null; hops++) {
      const c = cur.attrs['gen_ai.conversation.id'];
      if (typeof c === 'string') id = c;
      cur = byId.get(cur.parentSpanId);
    }
    out.set(s, id ?? byTrace.get(s.traceId) ?? `trace:${s.traceId}`);
  }
  return out;
}

/**
 * Imports OTLP JSON traces (one document, or one per line).
 * @throws ImportError naming the file (and line) for a document without `resourceSpans`.
 */
export function importOtel(
  file: string,
  text: string,
  value: unknown,
  opts: ImporterOptions = {},
): ImportedSession[] {
  const spans: Span[] = [];
  if (value !== undefined) collect(value, file, undefined, spans);
  else forEachLine(text, (l, line) => collect(parseJsonLine(file, l, line), file, line, spans));
  const conv = conversations(spans);
  const groups = new Map<string, Span[]>();
  for (const s of spans) {
    const id = conv.get(s)!;
    const g = groups.get(id);
    if (g) g.push(s);
    else groups.set(id, [s]);
  }
  return [...groups].map(([id, g]) => session(file, id, g, opts));
}

/** Nanoseconds since the epoch → ISO timestamp (milliseconds). */
function nanosToIso(n: bigint): Timestamp | null {
  return n === 0n ? null : new Date(Number(n / 1_000_000n)).toISOString();
}

/** Builds one conversation's session from its spans. */
function session(file: string, id: string, spans: Span[], opts: ImporterOptions): ImportedSession {
  const ordered = [...spans].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.source.index! - b.source.index!,
  );
  const r = new ConversationReader();
  let agent: string | null = null;
  for (const s of ordered) {
    if (typeof s.attrs['gen_ai.agent.name'] === 'string') agent ??= s.attrs['gen_ai.agent.name'] as string;
    r.span(s);
  }
  const service = ordered.find((s) => typeof s.resource['service.name'] === 'string')?.resource[
    'service.name'
  ];
  const first = r.events.events.find((e) => e.type === 'user.message');
  const stamps = ordered.map((s) => nanosToIso(s.start)).filter((t): t is string => t !== null);
  return {
    external_id: `otel:${id}`,
    agent_id: opts.agent_id ?? agent ?? (typeof service === 'string' ? service : 'otel'),
    user_id: null,
    team_id: opts.team_id ?? null,
    parent_external_id: null,
    source_format: 'otel',
    source_file: file,
    title: (first && 'text' in first ? titleFrom(first.text) : '') || `OpenTelemetry conversation ${id}`,
    started_at: stamps[0] ?? null,
    ended_at: stamps.at(-1) ?? null,
    metadata: { conversation_id: id, spans: spans.length, models: r.models() },
    events: r.events.events,
    outcome: null,
  };
}

/** Turns one conversation's spans into events, each message and result once. */
class ConversationReader {
  readonly events = new EventList();
  #calls = new CallRegistry();
  #announced = new Set<string>();
  #answered = new Set<string>();
  #positions = new Set<number>();
  #instructions = new Set<string>();
  #models = new Set<string>();

  models(): string[] {
    return [...this.#models].sort();
  }

  span(s: Span): void {
    const ts = nanosToIso(s.start);
    const op = s.attrs['gen_ai.operation.name'];
    const model = s.attrs['gen_ai.request.model'] ?? s.attrs['gen_ai.response.model'];
    if (typeof model === 'string') this.#models.add(model);
    const sys = jsonAttr(s.attrs['gen_ai.system_instructions']);
    if (Array.isArray(sys)) {
      const text = partsText(sys);
      if (text !== '' && !this.#instructions.has(text)) {
        this.#instructions.add(text);
        this.events.systemMessage(text, ts, s.source);
      }
    }
    const inputs = jsonAttr(s.attrs['gen_ai.input.messages']);
    const outputs = jsonAttr(s.attrs['gen_ai.output.messages']);
    const ins = Array.isArray(inputs) ? inputs : [];
    for (let i = 0; i < ins.length; i++) this.#message(ins[i], i, ts, s.source);
    const outs = Array.isArray(outputs) ? outputs : [];
    for (let j = 0; j < outs.length; j++) this.#message(outs[j], ins.length + j, ts, s.source);
    if (op === 'execute_tool' || typeof s.attrs['gen_ai.tool.name'] === 'string') this.#toolSpan(s, ts);
  }

  #message(m: unknown, position: number, ts: Timestamp | null, source: SourcePointer): void {
    if (!isRecord(m) || this.#positions.has(position)) return;
    this.#positions.add(position);
    const parts = Array.isArray(m.parts) ? m.parts : [];
    for (const p of parts) {
      if (!isRecord(p)) continue;
      const text = typeof p.content === 'string' ? p.content : '';
      if (p.type === 'text' && text.trim() !== '') {
        if (m.role === 'user') this.events.userMessage(text, ts, source);
        else if (m.role === 'assistant') this.events.agentMessage(text, ts, source);
        else this.events.systemMessage(text, ts, source);
      } else if (p.type === 'reasoning' && text.trim() !== '') this.events.thinking(text, ts, source);
      else if (p.type === 'tool_call' && typeof p.name === 'string')
        this.#call(p.name, p.arguments, p.id, ts, source);
      else if (p.type === 'tool_call_response' && typeof p.id === 'string' && !this.#answered.has(p.id)) {
        const out = typeof p.response === 'string' ? p.response : JSON.stringify(p.response ?? '');
        this.#result(p.id, out, isOpenAiToolError(out), ts, source);
      }
    }
  }

  #call(name: string, args: unknown, rawId: unknown, ts: Timestamp | null, source: SourcePointer): string {
    const id = typeof rawId === 'string' && rawId !== '' ? rawId : `call-${source.index}`;
    if (this.#announced.has(id)) return id;
    this.#announced.add(id);
    const input = parseArguments(args);
    const kind = toolKind(GENERIC_TOOL_KINDS, name);
    this.events.toolUse(
      name,
      kind,
      input,
      this.#calls.issue(id, name),
      ts,
      source,
      kind === 'shell' ? shellCommand(input) : undefined,
    );
    return id;
  }

  #result(rawId: string, text: string, failed: boolean, ts: Timestamp | null, source: SourcePointer): void {
    this.#answered.add(rawId);
    const call = this.#calls.answer(rawId);
    this.events.toolResult(
      call?.call_id ?? rawId,
      call?.tool ?? null,
      truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS),
      failed,
      ts,
      source,
    );
  }

  #toolSpan(s: Span, ts: Timestamp | null): void {
    const name =
      typeof s.attrs['gen_ai.tool.name'] === 'string' ? (s.attrs['gen_ai.tool.name'] as string) : 'unknown';
    const id = this.#call(
      name,
      s.attrs['gen_ai.tool.call.arguments'] ?? {},
      s.attrs['gen_ai.tool.call.id'] ?? s.spanId,
      ts,
      s.source,
    );
    if (this.#answered.has(id)) return;
    const res = s.attrs['gen_ai.tool.call.result'];
    const failed = s.statusCode === 2 || typeof s.attrs['error.type'] === 'string';
    const text =
      res == null
        ? failed
          ? s.statusMessage || String(s.attrs['error.type'] ?? 'error')
          : ''
        : typeof res === 'string'
          ? res
          : JSON.stringify(res);
    this.#result(id, text, failed, ts, s.source);
  }
}

/** An attribute that holds JSON text (or already a value). */
function jsonAttr(v: unknown): unknown {
  return typeof v === 'string' ? parseArguments(v) : v;
}

/** The text parts of a parts array, joined. */
function partsText(parts: unknown[]): string {
  return parts
    .map((p) => (isRecord(p) && typeof p.content === 'string' ? p.content : ''))
    .filter((t) => t !== '')
    .join('\n');
}
