/**
 * The gather phase for one session: runs every offline extractor over the session's events and returns
 * a {@link SessionDigest}. Pure and deterministic: the same events always give the same digest, and the
 * digest holds no ids, so it can be cached by content hash.
 */
import { type SessionEvent, sha256Hex } from '../../domain/index.js';
import {
  DIGEST_VERSION,
  type ErrorOccurrence,
  type FactOccurrence,
  type RecoveryOccurrence,
  type SessionDigest,
  type StatementOccurrence,
  type ToolStep,
} from './digest.js';
import { extractFact } from './facts.js';
import { extractPreferences, MAX_USER_MESSAGE_CHARS, splitSentences } from './preferences.js';
import { diffInputs } from './recovery.js';
import { redactSecrets } from './secrets.js';
import { errorTemplate, maskVariables } from './templates.js';
import { shortQuote } from './text.js';
import { commandHead, isShellTool, TRIVIAL_TOOLS, toolInputText, toolLabel } from './tool-labels.js';

/** Harness messages that complain about the agent's output (vs. neutral context injected mid-session). */
const HARNESS_COMPLAINT =
  /\b(?:please|must|error|invalid|not allowed|failed|exactly|format(?:ted)?|incorrect|wrong|too long|only one|found \d+)\b/i;
const WARNING = /<warning>\s*([^\n<][^\n]*)/;
/** An importer's note that the harness cut a too-long output, e.g. `[… 12345 characters elided by mini-swe-agent …]`. */
const ELIDED = /\[… ([^\]\n]{0,80}\belided\b[^\]\n]{0,80}) …\]/;
/** Fact patterns accepted from conversation (plain "X is Y" and "key: value" are too noisy in chat). */
const CHAT_FACT_PATTERNS = new Set(['uses-for', 'change', 'schedule', 'is-now']);

interface CallInfo {
  tool: string;
  input: unknown;
  seq: number;
  label: string;
}

interface PendingError {
  error: number;
  use: CallInfo | null;
  between: { label: string; seq: number }[];
}

/**
 * Extracts the digest of one session.
 * @param events the session's events, in `seq` order.
 * @returns tool-error templates, error→recovery pairs, the collapsed tool sequence, user preference and
 *   correction sentences, declarative facts, and system-prompt hashes (see {@link SessionDigest}).
 */
export function gatherSession(events: readonly SessionEvent[]): SessionDigest {
  let redactions = 0;
  const clean = (text: string): string => {
    const r = redactSecrets(text);
    redactions += r.count;
    return r.text;
  };
  const calls = new Map<string, CallInfo>();
  const errors: ErrorOccurrence[] = [];
  const recoveries: RecoveryOccurrence[] = [];
  const steps: ToolStep[] = [];
  const statements: StatementOccurrence[] = [];
  const facts: FactOccurrence[] = [];
  const systemPrompts = new Set<string>();
  /** Unrecovered errors per tool name; `(harness)` errors are recovered by any successful call. */
  const pending = new Map<string, PendingError[]>();
  let agentStarted = false;
  let firstTs: string | null = null;
  let lastTs: string | null = null;
  let toolCalls = 0;
  let toolErrors = 0;

  const addFacts = (text: string, seq: number, source: FactOccurrence['source']) => {
    for (const sentence of splitSentences(text)) {
      const f = extractFact(sentence);
      if (!f || !CHAT_FACT_PATTERNS.has(f.pattern)) continue;
      facts.push({
        seq,
        subject: f.subject,
        value: f.value,
        type: f.type,
        pattern: f.pattern,
        change: f.change,
        text: shortQuote(sentence),
        source,
      });
    }
  };

  const recover = (tool: string, use: CallInfo, resultSeq: number) => {
    const lists: PendingError[][] = [];
    const own = pending.get(tool);
    if (own?.length) lists.push(own);
    const harness = pending.get('(harness)');
    if (harness?.length) lists.push(harness);
    for (const list of lists) {
      // one recovery per distinct template: the latest failure of each
      const seen = new Set<string>();
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list[i]!;
        const template = errors[p.error]!.template;
        if (seen.has(template)) continue;
        seen.add(template);
        const change = p.use ? diffInputs(p.use.input, use.input) : { paths: [], numeric: [] };
        recoveries.push({
          error: p.error,
          seq_use: use.seq,
          seq_result: resultSeq,
          label: use.label,
          changed: change.paths.slice(0, 12),
          numeric: change.numeric,
          between: p.between
            .filter((b) => b.seq < use.seq)
            .map((b) => b.label)
            .slice(0, 5),
          quote: clean(shortQuote(toolInputText(use.input))),
        });
      }
      list.length = 0;
    }
  };

  for (const ev of events) {
    if (ev.timestamp) {
      if (firstTs === null || ev.timestamp < firstTs) firstTs = ev.timestamp;
      if (lastTs === null || ev.timestamp > lastTs) lastTs = ev.timestamp;
    }
    switch (ev.type) {
      case 'system.message': {
        if (!agentStarted) {
          systemPrompts.add(sha256Hex(ev.text).slice(0, 16));
          break;
        }
        const firstLine = ev.text.split('\n').find((l) => l.trim()) ?? '';
        if (!HARNESS_COMPLAINT.test(firstLine)) break;
        const quote = clean(shortQuote(firstLine));
        errors.push({
          kind: 'harness',
          tool: '(harness)',
          template: maskVariables(redactSecrets(firstLine).text),
          seq: ev.seq,
          seq_use: null,
          quote,
          label: null,
        });
        const list = pending.get('(harness)') ?? [];
        list.push({ error: errors.length - 1, use: null, between: [] });
        pending.set('(harness)', list);
        break;
      }
      case 'user.message': {
        if (ev.text.length > MAX_USER_MESSAGE_CHARS) break;
        // redact first: keys and tokens are derived from the text and must not carry secrets either
        const text = clean(ev.text);
        for (const p of extractPreferences(text)) {
          statements.push({
            kind: p.kind,
            seq: ev.seq,
            text: p.text,
            tokens: p.tokens,
            source: 'user.message',
          });
        }
        addFacts(text, ev.seq, 'user.message');
        break;
      }
      case 'agent.message': {
        agentStarted = true;
        if (ev.text.length <= MAX_USER_MESSAGE_CHARS) addFacts(clean(ev.text), ev.seq, 'agent.message');
        break;
      }
      case 'agent.thinking':
        agentStarted = true;
        break;
      case 'agent.tool_use': {
        agentStarted = true;
        toolCalls++;
        const label = toolLabel(ev.tool, ev.input);
        const info: CallInfo = { tool: ev.tool, input: ev.input, seq: ev.seq, label };
        calls.set(ev.call_id, info);
        if (!TRIVIAL_TOOLS.has(ev.tool.toLowerCase())) {
          const last = steps[steps.length - 1];
          if (last && last.label === label) last.seq_last = ev.seq;
          else
            steps.push({
              label,
              seq: ev.seq,
              seq_last: ev.seq,
              quote: clean(shortQuote(toolInputText(ev.input), 120)),
            });
          for (const [tool, list] of pending) {
            if (tool === ev.tool) continue;
            for (const p of list)
              if (!p.between.some((b) => b.label === label) && p.between.length < 6)
                p.between.push({ label, seq: ev.seq });
          }
        }
        break;
      }
      case 'agent.tool_result': {
        const call = calls.get(ev.call_id) ?? null;
        const tool = ev.tool ?? call?.tool ?? 'unknown';
        if (ev.is_error) {
          toolErrors++;
          const { template: rawTemplate, signature } = errorTemplate(ev.content);
          const template = redactSecrets(rawTemplate).text;
          let t = template;
          if (template === '(no output)' && isShellTool(tool) && call) {
            const head = commandHead(toolInputText(call.input));
            t = `${head || 'command'} exited non-zero with no output`;
          }
          const quote =
            signature.offset >= 0
              ? shortQuote(ev.content.slice(signature.offset, signature.offset + signature.line.length))
              : shortQuote(ev.content);
          errors.push({
            kind: 'tool_error',
            tool,
            template: t,
            seq: ev.seq,
            seq_use: call?.seq ?? null,
            quote: clean(quote),
            label: call?.label ?? null,
          });
          const list = pending.get(tool) ?? [];
          list.push({ error: errors.length - 1, use: call, between: [] });
          pending.set(tool, list);
        } else {
          const w = WARNING.exec(ev.content);
          const el = w ? null : ELIDED.exec(ev.content);
          if (el) {
            errors.push({
              kind: 'warning',
              tool,
              template: `Output too long: ${maskVariables(el[1]!)}`,
              seq: ev.seq,
              seq_use: call?.seq ?? null,
              quote: clean(el[0]),
              label: call?.label ?? null,
            });
          }
          if (w) {
            const line = w[1]!.trim();
            const offset = ev.content.indexOf(line);
            errors.push({
              kind: 'warning',
              tool,
              template: maskVariables(line),
              seq: ev.seq,
              seq_use: call?.seq ?? null,
              quote: clean(shortQuote(ev.content.slice(offset, offset + line.length))),
              label: call?.label ?? null,
            });
          }
          if (call) recover(tool, call, ev.seq);
        }
        break;
      }
    }
  }
  return {
    v: DIGEST_VERSION,
    events: events.length,
    first_ts: firstTs,
    last_ts: lastTs,
    errors,
    recoveries,
    steps,
    statements,
    facts,
    system_prompts: [...systemPrompts].sort(),
    tool_calls: toolCalls,
    tool_errors: toolErrors,
    redactions,
  };
}
