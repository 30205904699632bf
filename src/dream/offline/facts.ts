/**
 * Declarative facts with keys, for contradiction detection: "Deploys happen on Tuesdays" →
 * `{subject: 'deploy', value: 'tuesday', type: 'weekday'}`; "Deploys moved to Thursdays" →
 * `{subject: 'deploy', value: 'thursday', type: 'weekday', change: true}`; "the staging DB lives on
 * db-staging-2.internal" → `{subject: 'staging db', value: 'db-staging-2.internal', type: 'host'}`.
 *
 * Two facts with overlapping subjects (see {@link sameSubject}) and the same value type but different
 * values contradict when the type is precise (weekday, date, time, duration, number, version, email,
 * URL, host, image) or one of them states a change ("moved to", "is now", "switched to"), or both are
 * `key: value` / "we use X for Y" facts. A plain "X is Y" never contradicts another plain "X is Y"
 * when Y is free text (too ambiguous).
 *
 * Subjects are normalized so that paraphrases meet: content words, stemmed, with database synonyms
 * folded into `db` (database, postgres, postgresql, mysql, pg) and the words that merely name the
 * value's type dropped (a host's "host/server", an e-mail's "address/email", an image's "image/tag"),
 * so "the staging database host", "the staging DB" and "staging's database server" are one subject.
 */
import * as chrono from 'chrono-node';
import { analyse, isForeign } from './language.js';
import { NUMBER_WORDS, STOPWORDS, stem, stripLeadIn, wordTokens } from './text.js';

/** The shape of a fact's value. */
export type FactValueType =
  | 'weekday'
  | 'date'
  | 'time'
  | 'duration'
  | 'number'
  | 'version'
  | 'email'
  | 'url'
  | 'host'
  | 'image'
  | 'id'
  | 'text';

/** Which sentence pattern produced a fact. */
export type FactPattern =
  | 'handover'
  | 'mentions'
  | 'uses-for'
  | 'change'
  | 'schedule'
  | 'is-now'
  | 'deadline'
  | 'located'
  | 'goes-to'
  | 'route'
  | 'uses'
  | 'is'
  | 'key-value';

/** One declarative fact found in a line of text. */
export interface Fact {
  /** Normalized subject key (content words, stemmed, synonyms folded, space-joined, in order). */
  subject: string;
  /** Normalized value (lowercased; stemmed words for text). */
  value: string;
  type: FactValueType;
  pattern: FactPattern;
  /** True when the sentence states a change ("moved to", "is now", "switched to"). */
  change: boolean;
  /** The line as written (trimmed, list markers removed). */
  text: string;
  /**
   * The value as written in `text` (a verbatim substring of it) for typed values, so that a memory
   * line can be updated in place; for `text` values the raw value phrase.
   */
  raw: string;
  /**
   * The value the sentence says this one replaces ("moved from A to B", "no longer A, it's B", "Y takes
   * over from X"), normalized like `value`; absent when none is named.
   */
  previous?: string;
  /**
   * True when the sentence states the change explicitly — names the previous value, hands a role over,
   * or opens with "from now on", "as of <date>", "starting <date>" — rather than only stating a value.
   */
  explicit?: boolean;
}

/** Value types precise enough that two different values of one subject are a contradiction. */
export const PRECISE_TYPES: ReadonlySet<FactValueType> = new Set([
  'weekday',
  'date',
  'time',
  'duration',
  'number',
  'version',
  'email',
  'url',
  'host',
  'image',
  'id',
]);

const WEEKDAY = /\b(mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)\b/i;

/** Database words folded into one subject word. */
const SUBJECT_SYNONYMS: Record<string, string> = {
  database: 'db',
  databases: 'db',
  postgres: 'db',
  postgresql: 'db',
  mysql: 'db',
  pg: 'db',
};

/** Subject words that only name the type of the value (dropped from the subject key). */
const TYPE_WORDS: Partial<Record<FactValueType, ReadonlySet<string>>> = {
  host: new Set(['host', 'hostname', 'server', 'address', 'endpoint', 'machine']),
  email: new Set(['email', 'mail', 'address', 'inbox', 'mailbox', 'contact']),
  url: new Set(['url', 'link', 'address', 'page', 'site', 'endpoint']),
  image: new Set(['image', 'tag', 'container', 'docker']),
  version: new Set(['version']),
  time: new Set(['time']),
  date: new Set(['date', 'day']),
};

function keyWords(text: string, synonyms = false): string[] {
  return wordTokens(text)
    .filter((w) => !STOPWORDS.has(w) && w !== 'now' && w !== 'currently' && w.length > 1)
    .map((w) => (synonyms && SUBJECT_SYNONYMS[w]) || stem(w));
}

function normalizeKey(text: string): string {
  return keyWords(text).join(' ');
}

/** The subject key of a subject phrase for a value type (see the module comment). */
function subjectKey(text: string, type: FactValueType): string {
  const drop = TYPE_WORDS[type];
  const out: string[] = [];
  for (const w of keyWords(text, true)) if (!drop?.has(w) && !out.includes(w)) out.push(w);
  return out.join(' ');
}

const IMAGE = /(?:[\w.-]+\/)*([a-z][\w.-]*:[a-z0-9][\w.-]*)/i;
const HOST =
  /\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:com|net|org|io|dev|internal|local|lan|cloud|corp|svc|intra)\b(?!\.)/i;
const DURATION =
  /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|sixty|ninety)[\s-](minute|hour|day|business day|week|month|year)s?\b/i;

function clockTime(m: string): string {
  const t = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(m.trim());
  if (!t) return m.toLowerCase();
  let h = Number(t[1]);
  const min = t[2] ?? '00';
  const ap = t[3]?.toLowerCase();
  if (ap === 'pm' && h < 12) h += 12;
  if (ap === 'am' && h === 12) h = 0;
  return `${String(h).padStart(2, '0')}:${min}`;
}

/**
 * Classifies a value phrase: the first typed value found in it (e-mail, URL, weekday, date, image
 * reference `name:tag`, host name, clock time, duration, an identifier such as `eu-west-3`, version, a
 * lone number), else free text.
 * `raw` is the verbatim span of the typed value in `value`.
 */
function classify(value: string): { type: FactValueType; value: string; raw: string } {
  const email = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/.exec(value);
  if (email) return { type: 'email', value: email[0].toLowerCase(), raw: email[0] };
  const url = /\bhttps?:\/\/[^\s,;)]+[^\s,;).!?]/i.exec(value);
  if (url) return { type: 'url', value: url[0].toLowerCase(), raw: url[0] };
  const wd = WEEKDAY.exec(value);
  if (wd) return { type: 'weekday', value: stem(wd[1]!.toLowerCase()).replace(/s$/, ''), raw: wd[0] };
  const date = /\b\d{4}-\d{2}-\d{2}\b/.exec(value);
  if (date) return { type: 'date', value: date[0], raw: date[0] };
  const image = IMAGE.exec(value);
  if (image) {
    const ref = image[1]!;
    const [name, tag] = ref.split(':') as [string, string];
    if (
      !/^(?:https?|tcp|udp|ftp|ssh|localhost|mailto|file)$/i.test(name) &&
      !/^\d+$/.test(tag) &&
      (/\d/.test(tag) || tag === 'latest')
    )
      return { type: 'image', value: ref.toLowerCase(), raw: ref };
  }
  const host = HOST.exec(value);
  if (host) return { type: 'host', value: host[0].toLowerCase(), raw: host[0] };
  const time = /\b(\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2})\b/i.exec(value);
  if (time) return { type: 'time', value: clockTime(time[1]!), raw: time[1]! };
  const dur = DURATION.exec(value);
  if (dur) {
    const n = /^\d+$/.test(dur[1]!) ? Number(dur[1]) : NUMBER_WORDS[dur[1]!.toLowerCase()]!;
    return { type: 'duration', value: `${n} ${dur[2]!.toLowerCase()}s`, raw: dur[0] };
  }
  // a lowercase identifier of two or more words and a number: a region, zone or cluster ("eu-west-3")
  const id = /(?<![\w.@/:-])([a-z]{2,}(?:-[a-z]{2,})+-\d+[a-z]?)(?![\w.@/:-])/.exec(value);
  if (id) return { type: 'id', value: id[1]!, raw: id[1]! };
  const version = /\bv?(\d+\.\d+(?:\.\d+)*)\b/.exec(value);
  if (version) return { type: 'version', value: version[1]!, raw: version[0] };
  // a lone number, not part of an identifier such as eu-west-3
  const num = /^\D{0,12}?(?<![\w-])(\d+(?:\.\d+)?)(?![\w-])\D{0,12}$/.exec(value.trim());
  if (num && normalizeKey(value).split(' ').length <= 3)
    return { type: 'number', value: num[1]!, raw: num[1]! };
  return { type: 'text', value: normalizeKey(value), raw: value.trim() };
}

/** Subject phrase without commas or semicolons (a clause, not a list). */
const S = '([^,;]+?)';

interface PatternDef {
  re: RegExp;
  pattern: FactPattern;
  change: boolean;
  subject: number;
  value: number;
  /** Builds the subject phrase from the match (default: the `subject` group). */
  subjectOf?: (m: RegExpExecArray) => string;
  /** The value must be of this type (else the pattern does not apply). */
  needs?: FactValueType;
  /** The value must be of one of these types. */
  typed?: FactValueType[];
  /** The group naming the previous holder or value, if the pattern has one. */
  previous?: number;
}

const PATTERNS: PatternDef[] = [
  // a role handed over: "Priya takes over on-call from Sam", "Sam hands the release duty over to Lee",
  // "Lee is the new release manager", "Lee replaces Sam as release manager"
  {
    re: /^(.+?) (?:takes|took|has taken|is taking|will take) over (?:as )?(?:the )?(.+?)(?: (?:duties|duty|role|rotation))?(?: from (.+))?$/i,
    pattern: 'handover',
    change: true,
    subject: 2,
    value: 1,
    previous: 3,
  },
  {
    re: /^(.+?) (?:hands|handed|has handed|is handing|will hand) (?:over )?(?:the )?(.+?)(?: (?:duties|duty|role|rotation))? (?:over )?to (.+)$/i,
    pattern: 'handover',
    change: true,
    subject: 2,
    value: 3,
    previous: 1,
  },
  {
    re: /^(.+?) (?:is|will be) (?:now )?(?:the|our) new (.+)$/i,
    pattern: 'handover',
    change: true,
    subject: 2,
    value: 1,
  },
  {
    re: /^(.+?) (?:replaces|replaced|will replace|is replacing) (.+?) as (?:the |our )?(.+)$/i,
    pattern: 'handover',
    change: true,
    subject: 3,
    value: 1,
    previous: 2,
  },
  {
    re: /^(?:we|the team|our team|they) (?:now )?uses? (.+?) (?:for|to) (.+)$/i,
    pattern: 'uses-for',
    change: false,
    subject: 2,
    value: 1,
  },
  {
    re: /^(.+?) (?:has |have |was |were |got |is |are )?(?:moved|changed|switched|migrated|shifted|rescheduled) (?:over )?(?:from (.+?) )?to (.+)$/i,
    pattern: 'change',
    change: true,
    subject: 1,
    value: 3,
    previous: 2,
  },
  {
    re: /^(.+?) (?:now )?(?:happens?|occurs?|takes? place|runs?|goes? out|ships?|is scheduled|are scheduled|is done|are done) (?:on|every|each|at|in) (.+)$/i,
    pattern: 'schedule',
    change: false,
    subject: 1,
    value: 2,
  },
  { re: /^(.+?) (?:is|are) now (.+)$/i, pattern: 'is-now', change: true, subject: 1, value: 2 },
  // deadlines: "customers have 45 days to return items" → the return window is 45 days
  {
    re: new RegExp(`^${S} (?:have|has|get|gets) (.+?) to (\\w+)\\b.*$`, 'i'),
    pattern: 'deadline',
    change: false,
    subject: 3,
    value: 2,
    subjectOf: (m) => `${m[3]} window`,
    needs: 'duration',
  },
  {
    re: new RegExp(`^${S} (?:can|may|must|should) (?:be )?(\\w+)\\b.*?\\bwithin (.+)$`, 'i'),
    pattern: 'deadline',
    change: false,
    subject: 2,
    value: 3,
    subjectOf: (m) => `${m[2]} window`,
    needs: 'duration',
  },
  {
    re: new RegExp(
      `^${S} (?:is|are) (?:accepted|allowed|possible|processed|valid|refundable|eligible) within (.+)$`,
      'i',
    ),
    pattern: 'deadline',
    change: false,
    subject: 1,
    value: 2,
    subjectOf: (m) => `${m[1]} window`,
    needs: 'duration',
  },
  {
    re: new RegExp(
      `^${S} (?:lives?|resides?|sits?|is hosted|are hosted|is located|are located|is deployed|are deployed) (?:on|at|in|to) (.+)$`,
      'i',
    ),
    pattern: 'located',
    change: false,
    subject: 1,
    value: 2,
  },
  {
    re: new RegExp(
      `^${S} (?:go|goes|should go|are sent|is sent|get sent|gets sent|are routed|is routed|are forwarded|is forwarded) to (.+)$`,
      'i',
    ),
    pattern: 'goes-to',
    change: false,
    subject: 1,
    value: 2,
  },
  // routing instructions: "send anything you can't resolve to tier2@…" → where those things go
  {
    re: /^(?:please |always )?(?:send|forward|route|escalate|email|direct|refer|report|hand off|hand) ([^,;]+?) to (\S+)$/i,
    pattern: 'route',
    change: false,
    subject: 1,
    value: 2,
    typed: ['email', 'url', 'host'],
  },
  {
    re: new RegExp(`^${S} (?:uses?|is using|are using) (.+)$`, 'i'),
    pattern: 'uses',
    change: false,
    subject: 1,
    value: 2,
  },
  { re: /^(.+?) (?:is|are) (?!not\b)(.+)$/i, pattern: 'is', change: false, subject: 1, value: 2 },
  {
    re: /^([A-Za-z][\w .()/-]{0,40}?):\s+(\S.*)$/,
    pattern: 'key-value',
    change: false,
    subject: 1,
    value: 2,
  },
];

/**
 * Finds at most one fact in one line or sentence of text. Markdown list markers, emphasis, discourse
 * openers ("FYI", "heads up:", "Note that", "Remember", …) and a trailing period are ignored;
 * headings, code, links-only lines, questions, long lines (> 200 chars) and lines in another language
 * (see `isForeign`: English patterns would misread them) yield none. The subject
 * must have 1–6 content words and the value 1–12 words. Conditional sentences state no standing fact,
 * except routing rules ("if it needs tier 2, email X": the condition is the subject, X an e-mail
 * address or URL). When several patterns match, the first whose value is typed (not free text) wins,
 * else the first. Routing instructions ("send anything you can't resolve to X") are facts about where
 * those things go when X is an e-mail address, URL or host.
 */
export function extractFact(line: string): Fact | null {
  const f = readFact(line);
  // checked last, on the few lines that look like a fact: detection costs more than the patterns
  return f && !isForeign(f.text) ? f : null;
}

/** {@link extractFact} without the language check. */
function readFact(line: string): Fact | null {
  let t = line.trim();
  if (
    !t ||
    t.length > 200 ||
    t.startsWith('#') ||
    t.startsWith('```') ||
    t.startsWith('|') ||
    t.endsWith('?') ||
    // a line of a pasted shell command: an option ("-H 'Referer: https://…'") or a line continued
    // with a backslash states nothing
    /^--?[A-Za-z]/.test(t) ||
    /\s\\$/.test(t)
  )
    return null;
  t = t
    .replace(/^(?:[-*+]|\d+[.)])\s+/, '')
    .replace(/\*\*|__/g, '')
    .replace(/[.!;]+$/, '')
    .trim();
  if (!t || /^\[.*\]\(.*\)/.test(t) || /^(?:https?:|<)/.test(t)) return null;
  if (/^superseded\b/i.test(t)) return null;
  t = stripLeadIn(t)
    .replace(/^remember\b,?\s+(?!to\b)/i, '')
    .trim();
  // a conditional is not a standing fact ("when it rains, the game is indoors"), except a routing rule
  // whose condition is its subject: "if it needs tier 2, email tier2@…" → where tier-2 cases go
  const cond =
    /^(?:if|when|whenever|unless|once|in case)\b\s*(.*?),\s*(?:please\s+)?(?:email|e-mail|mail|send it to|send them to|forward it to|forward to|escalate to|contact|ping|write to|reach out to)\s+(\S+)$/i.exec(
      t,
    );
  if (cond) {
    const cls = classify(cond[2]!);
    const subject = cls.type === 'email' || cls.type === 'url' ? subjectKey(cond[1]!, cls.type) : '';
    const words = subject ? subject.split(' ').length : 0;
    if (words < 1 || words > 6) return null;
    return {
      subject,
      value: cls.value,
      type: cls.type,
      pattern: 'route',
      change: false,
      text: line.trim(),
      raw: cls.raw,
    };
  }
  if (/^(?:if|when|whenever|unless|once|in case)\b/i.test(t)) return null;
  const frame = changeFrame(t);
  t = frame.body;
  let fallback: Fact | null = null;
  for (const p of PATTERNS) {
    const m = p.re.exec(t);
    if (!m) continue;
    const subjectText = p.subjectOf ? p.subjectOf(m) : m[p.subject]!;
    let valueText = m[p.value]!;
    if (p.pattern === 'handover') valueText = withoutDate(valueText);
    if (/^(?:i|you|he|she|it|this|that|there|here|what|which|who)$/i.test(m[p.subject]!.trim())) continue;
    const valueWords = valueText.trim().split(/\s+/).length;
    if (valueWords < 1 || valueWords > 12) continue;
    const cur = currentOf(valueText, t);
    if (!cur?.cls.value) continue;
    const cls = cur.cls;
    if (p.needs && cls.type !== p.needs) continue;
    if (p.typed && !p.typed.includes(cls.type)) continue;
    // free text after a subject that is itself a clause ("we no longer use X, everything runs on Y")
    if (cls.type === 'text' && /[,;]|\b(?:no longer|not|never)\b|n't\b/i.test(subjectText)) continue;
    const subject = subjectKey(subjectText, cls.type);
    const subjectWords = subject ? subject.split(' ').length : 0;
    if (subjectWords < 1 || subjectWords > 6) continue;
    const named = p.previous !== undefined ? m[p.previous] : undefined;
    const previous = named ? classify(named).value || undefined : cur.previous;
    const fact: Fact = {
      subject,
      value: cls.value,
      type: cls.type,
      pattern: p.pattern,
      change: p.change || cur.previous !== undefined || frame.explicit || changeCue(t),
      text: line.trim(),
      raw: cls.raw,
      ...(previous && previous !== cls.value ? { previous } : {}),
      ...(frame.explicit || previous || p.pattern === 'handover' ? { explicit: true } : {}),
    };
    if (cls.type !== 'text') return fact;
    fallback ??= fact;
  }
  return fallback ?? mentionedIdentifier(t, line.trim(), frame.explicit);
}

/**
 * A sentence that opens or closes with a change of time frame — "From now on, …", "As of March 3, …",
 * "Starting Monday, …", "…, effective 2026-04-01" — without it (the frame's date is read by
 * chrono-node; a phrase chrono cannot read as a date is not a frame), and whether there was one.
 */
function changeFrame(t: string): { body: string; explicit: boolean } {
  let body = t;
  let explicit = false;
  const lead =
    /^(?:from now on|going forward|moving forward|henceforth|effective immediately)\b[,:]?\s+/i.exec(body);
  if (lead) {
    body = body.slice(lead[0].length);
    explicit = true;
  }
  const dated =
    /^(?:as of|starting(?: from| on)?|effective(?: from)?|beginning|from)\s+([^,]{1,30}),\s*/i.exec(body);
  if (dated && isDate(dated[1]!)) {
    body = body.slice(dated[0].length);
    explicit = true;
  }
  const tail = /,?\s+(?:as of|starting(?: from| on)?|effective(?: from)?|beginning)\s+([^,]{1,30}?)$/i.exec(
    body,
  );
  if (tail && isDate(tail[1]!)) {
    body = body.slice(0, tail.index);
    explicit = true;
  }
  return { body: body.trim(), explicit };
}

/** `text` without a trailing date phrase chrono-node reads ("Lee on Friday" → "Lee"). */
function withoutDate(text: string): string {
  const m = /\s+(?:on|from|by|as of|starting(?: from| on)?|effective|beginning|next|this)\s+(.{1,30})$/i.exec(
    text,
  );
  return m && isDate(m[0].trim()) ? text.slice(0, m.index) : text;
}

/** True if chrono-node reads all of `phrase` (give or take a word) as a date. */
function isDate(phrase: string): boolean {
  if (/^(?:now|today|immediately)$/i.test(phrase.trim())) return true;
  const r = chrono.casual.parse(phrase, { instant: new Date(0), timezone: 0 })[0];
  return r !== undefined && r.text.length >= phrase.trim().length - 4;
}

/** Words and lemmas that say a value changed ("moved", "switched", "no longer", "now", "anymore"). */
const CHANGE_LEMMAS: ReadonlySet<string> = new Set(
  'move switch change migrate replace bump upgrade update rename relocate shift transfer now anymore'.split(
    ' ',
  ),
);

/** True if a sentence says its value is a change: a change verb or adverb, by lemma (wink-nlp). */
function changeCue(t: string): boolean {
  if (
    !/\b(?:mov|switch|chang|migrat|replac|bump|upgrad|updat|renam|relocat|shift|transfer|now|anymore|no longer)/i.test(
      t,
    )
  )
    return false;
  if (/\bno longer\b/i.test(t)) return true;
  return analyse(t).some((s) => s.tokens.some((k) => CHANGE_LEMMAS.has(k.lemma.toLowerCase())));
}

/**
 * Words right before a value that mark it as the old one ("instead of A", "no longer A", "was A").
 * Not "from": "from 08:00 to 20:00" is a range; "moved from A to B" is read by the change pattern.
 */
const OLD_MARK =
  /(?:\bno longer|\bnot|\binstead of|\brather than|\breplacing|\breplaced|\bwas|\bused to be|\bpreviously|\bformerly|\bformer|\bold)\s+(?:the\s+)?(?:old\s+)?$/i;

/**
 * The current value of a value phrase, and the previous one when the phrase names it: of several values
 * of one type, those in the scope of a negation (wink-nlp's negation flags: "we don't use A anymore,
 * builds run on B") or marked as old ("B instead of A", "no longer A, it's B", "A → B") are previous,
 * and exactly one other must remain (else null); with none marked, the first value is read (a range).
 * A lone value marked old ("X is not A") states nothing current (null). Free-text phrases "no longer
 * A, it's B" read the same way.
 */
function currentOf(
  valueText: string,
  sentence: string,
): { cls: ReturnType<typeof classify>; previous?: string } | null {
  const v = valueText.trim();
  const cls = classify(v);
  if (cls.type === 'text') {
    const m =
      /^(?:no longer|not|never) (.+?),\s*(?:(?:it|that|they)(?:'s| is|'re| are)|but|now|instead)\s+(?:now\s+)?(.+)$/i.exec(
        v,
      );
    if (m) return { cls: classify(m[2]!), previous: classify(m[1]!).value };
    return /^(?:no longer|not|never)\b/i.test(v) ? null : { cls };
  }
  // every value of this type in the sentence, at its offset there (a previous value may sit in the
  // subject part: "we don't build on A anymore, builds run on B")
  const base = Math.max(0, sentence.indexOf(v));
  const vals: { raw: string; value: string; at: number }[] = [];
  let at = 0;
  for (let i = 0; i < 6; i++) {
    const c = classify(sentence.slice(at));
    if (c.type === 'text' || !c.raw) break;
    const idx = sentence.indexOf(c.raw, at);
    if (idx < 0) break;
    if (c.type === cls.type && !vals.some((x) => x.value === c.value))
      vals.push({ raw: c.raw, value: c.value, at: idx });
    at = idx + c.raw.length;
  }
  const negationWords = vals.length > 1 && /\b(?:not|no|never|longer|anymore)\b|n't\b/i.test(sentence);
  const negated = negationWords ? negatedSpans(sentence) : [];
  const old = (x: { raw: string; at: number }) =>
    OLD_MARK.test(sentence.slice(0, x.at)) ||
    /^\s*(?:→|->)/.test(sentence.slice(x.at + x.raw.length)) ||
    negated.some(([a, b]) => a < x.at + x.raw.length && b > x.at);
  // a lone value: only an explicit marker right before it ("is no longer A") negates it; wink's
  // negation scope runs to the next punctuation ("anything you can't resolve goes to A")
  if (vals.length <= 1) return vals[0] && OLD_MARK.test(sentence.slice(0, vals[0].at)) ? null : { cls };
  const previous = vals.filter(old);
  const current = vals.filter((x) => x.at >= base && !old(x));
  // no value marked old: a range or a list ("from 08:00 to 20:00"), read as before (the first value)
  if (previous.length === 0) return { cls };
  if (current.length !== 1) return null;
  const c = classify(current[0]!.raw);
  return { cls: { ...c, raw: current[0]!.raw }, previous: previous[0]!.value };
}

/**
 * The character ranges `[start, end)` of the tokens of `sentence` in the scope of a negation
 * (wink-nlp's `negationFlag`), found by locating each token in order.
 */
function negatedSpans(sentence: string): [number, number][] {
  const out: [number, number][] = [];
  let at = 0;
  for (const s of analyse(sentence))
    for (const k of s.tokens) {
      const i = sentence.indexOf(k.text, at);
      if (i < 0) continue;
      at = i + k.text.length;
      if (k.negated && /[\p{L}\p{N}]/u.test(k.text)) out.push([i, at]);
    }
  return out;
}

/**
 * True if `text` names an identifier — a host, image, URL, e-mail address or an id such as
 * `eu-west-3` — anywhere (a value that can change, whatever the sentence around it).
 */
export function namesIdentifier(text: string): boolean {
  return MENTION_TYPES.has(classify(text).type);
}

/** Value types that identify one thing (a machine, an image, an address): a sentence naming one is about it. */
const MENTION_TYPES: ReadonlySet<FactValueType> = new Set(['host', 'image', 'url', 'email', 'id']);

/**
 * A fact no pattern reads, from a sentence naming an identifier (host, image, URL, e-mail) or a
 * deadline ("within 4 hours", "up to 30 days") in any wording ("Connect to db-7.corp.local when you
 * need the reporting database", "tier 2 picks up escalated tickets within 4 hours"): its subject is the
 * sentence's nouns and adjectives (wink-nlp parts of speech) outside the value, at most four.
 */
function mentionedIdentifier(t: string, text: string, explicit: boolean): Fact | null {
  const cur = currentOf(t, t);
  if (!cur) return null;
  const deadline =
    cur.cls.type === 'duration' &&
    /\b(?:within|up to|for|in under|no later than|at most|at the latest)\s+(?:the\s+)?$/i.test(
      t.slice(0, t.indexOf(cur.cls.raw)),
    );
  if (!MENTION_TYPES.has(cur.cls.type) && !deadline) return null;
  const words: string[] = [];
  for (const s of analyse(t))
    s.tokens.forEach((k, i) => {
      const next = s.tokens[i + 1]?.pos;
      // nouns, adjectives, and verbs tagged as modifiers of a noun ("staging database", "build containers")
      const noun =
        k.pos === 'NOUN' ||
        k.pos === 'PROPN' ||
        k.pos === 'ADJ' ||
        (k.pos === 'VERB' && (next === 'NOUN' || next === 'PROPN'));
      if (noun && !cur.cls.raw.includes(k.text) && !k.negated) words.push(k.text);
    });
  // the type's own words leave a subject, unless nothing else is left ("our build containers run X")
  const subject = subjectKey(words.join(' '), cur.cls.type) || normalizeKey(words.join(' '));
  const n = subject ? subject.split(' ').length : 0;
  if (n < 1 || n > 4) return null;
  return {
    subject,
    value: cur.cls.value,
    type: cur.cls.type,
    pattern: 'mentions',
    change: cur.previous !== undefined || explicit || changeCue(t),
    text,
    raw: cur.cls.raw,
    ...(cur.previous ? { previous: cur.previous } : {}),
    ...(explicit || cur.previous ? { explicit: true } : {}),
  };
}

/** All facts of a multi-line text, one per line (see {@link extractFact}), skipping fenced code. */
export function extractFacts(text: string): Fact[] {
  const out: Fact[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.trim().startsWith('```')) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const f = extractFact(line);
    if (f) out.push(f);
  }
  return out;
}

/** Patterns accepted from conversation with a free-text value ("X is Y" with free text is too noisy in chat). */
const CHAT_TEXT_PATTERNS: ReadonlySet<FactPattern> = new Set([
  'uses-for',
  'change',
  'schedule',
  'is-now',
  'handover',
]);

/**
 * True if a fact found in a chat message is worth keeping: its value is typed (not free text and not a
 * bare number), or its pattern is one of the explicit ones ("we use X for Y", "X moved to Y", "X
 * happens on Y", "X is now Y"); it is not a `key: value` line (in chat that is a labelled turn of
 * dialogue); and it is not about the speaker or the listener ("I", "my", "your").
 */
export function isChatFact(f: Fact): boolean {
  if (/(?:^|\s)(?:my|your|his|her|mine|yours)(?:\s|$)/i.test(subjectPhrase(f.text))) return false;
  // "Andrew: Last Friday, I hiked …" is a turn of dialogue, not a key: value fact; "I …" is about the speaker
  if (f.pattern === 'key-value' || /\b(?:i|i'm|i've|i'd|me|my|mine)\b/i.test(f.text)) return false;
  if (f.type !== 'text' && f.type !== 'number') return true;
  return CHAT_TEXT_PATTERNS.has(f.pattern) || f.explicit === true;
}

/** The words before the first verb-like word of a sentence (a rough subject phrase, for person checks). */
function subjectPhrase(text: string): string {
  const m =
    /^(.*?)\b(?:is|are|was|were|has|have|lives?|runs?|uses?|goes?|go|happens?|moved|can|may|must)\b/i.exec(
      stripLeadIn(text),
    );
  return m ? m[1]! : text;
}

/** The subject words of a fact, as a set. */
export function subjectWords(f: Pick<Fact, 'subject'>): string[] {
  return f.subject ? f.subject.split(' ') : [];
}

/**
 * True if two subject keys name the same thing: equal word sets, or one set contained in the other
 * ("ci" and "ci job" — the shorter, more general subject is the same topic).
 */
export function sameSubject(a: string, b: string): boolean {
  if (a === b) return true;
  const wa = new Set(a.split(' '));
  const wb = new Set(b.split(' '));
  const [small, large] = wa.size <= wb.size ? [wa, wb] : [wb, wa];
  if (small.size === 0) return false;
  for (const w of small) if (!large.has(w)) return false;
  return true;
}

/** True if two facts about the same subject contradict each other (see the module comment). */
export function factsContradict(a: Fact, b: Fact): boolean {
  if (a.type !== b.type || a.value === b.value || !sameSubject(a.subject, b.subject)) return false;
  if (PRECISE_TYPES.has(a.type)) return true;
  if (a.change || b.change) return true;
  const exact = (f: Fact) => f.pattern === 'key-value' || f.pattern === 'uses-for';
  return exact(a) && exact(b);
}

/** Name parts of an identifier that say nothing about its role. */
const IDENTIFIER_NOISE = new Set(
  'com net org io dev internal local www mail email http https api app svc corp intra lan cloud latest'.split(
    ' ',
  ),
);

/**
 * The words an identifier value is named with: letter runs of its local part / host labels / image
 * name (≥ 3 letters, stemmed), e.g. `tier2@acme-shop.com` → tier, acme, shop; `db-staging-2.internal`
 * → db, stag.
 */
export function identifierWords(value: string): string[] {
  const name = value.replace(/^[a-z]+:\/\//i, '').replace(/:[\w.-]+$/, '');
  const out = new Set<string>();
  for (const w of name.toLowerCase().match(/[a-z]{2,}/g) ?? [])
    if (!IDENTIFIER_NOISE.has(w) && (w.length >= 3 || w === 'db')) out.add(stem(w));
  return [...out].sort();
}

/** Value types whose values are identifiers: two subjects given the same such value name one role. */
const IDENTIFIER_TYPES: ReadonlySet<string> = new Set(['email', 'url', 'host', 'image']);

/**
 * Canonical subjects: within each value type, subjects that name the same thing are united
 * (union-find) — equal or contained word sets (see {@link sameSubject}: `ci`, `ci job`, `ci build`),
 * or, for identifier values (e-mail, URL, host, image), subjects stated with the same value
 * ("escalations go to tier2@…" and "send anything you can't resolve to tier2@…" name one address) and
 * subjects that share a word with the name of a value another subject states (see
 * {@link identifierWords}: `tier2@…` joins "if it needs tier 2, email …") — and, for items that carry
 * their sentence, subjects linked by meaning (see {@link meaningLinks}: a change that names another
 * subject's value as the previous one, the same value stated with a shared distinctive term, or two
 * shared distinctive terms) — and each group is represented by its most-stated subject (ties: fewer words, then code-unit order).
 * @param items subjects with their type, value and a weight (how often they were stated).
 * @returns a map from `${type}\u0000${subject}` to the canonical subject.
 */
export function canonicalSubjects(
  items: readonly { subject: string; type: string; value?: string; weight: number; text?: string }[],
): Map<string, string> {
  // `text`: the sentences stating the item, one per line
  const out = new Map<string, string>();
  const byType = new Map<string, Map<string, number>>();
  for (const it of items) {
    if (!it.subject) continue;
    let m = byType.get(it.type);
    if (!m) {
      m = new Map();
      byType.set(it.type, m);
    }
    m.set(it.subject, (m.get(it.subject) ?? 0) + it.weight);
  }
  for (const [type, weights] of [...byType.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const subjects = [...weights.keys()].sort();
    const uf = minRootUnion(subjects.length);
    if (IDENTIFIER_TYPES.has(type)) linkIdentifiers(items, type, subjects, uf);
    for (const [a, b] of meaningLinks(
      items.filter((it) => it.type === type && it.subject),
      subjects,
    ))
      uf.unite(a, b);
    linkSameSubjects(subjects, uf);
    const groups = new Map<number, string[]>();
    subjects.forEach((s, i) => {
      const r = uf.find(i);
      const l = groups.get(r);
      if (l) l.push(s);
      else groups.set(r, [s]);
    });
    for (const members of groups.values()) {
      const rep = [...members].sort(
        (a, b) =>
          weights.get(b)! - weights.get(a)! ||
          a.split(' ').length - b.split(' ').length ||
          (a < b ? -1 : a > b ? 1 : 0),
      )[0]!;
      for (const m of members) out.set(`${type}\u0000${m}`, rep);
    }
  }
  return out;
}

/** Union-find over `0..n-1` whose root is always the smallest index of a set (path halving). */
function minRootUnion(n: number): { find(x: number): number; unite(a: number, b: number): void } {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  return {
    find,
    unite(a, b) {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    },
  };
}

/** Each subject's index, listed under every distinct word of it. */
function indexByWord(subjects: readonly string[]): Map<string, number[]> {
  const byWord = new Map<string, number[]>();
  subjects.forEach((s, i) => {
    for (const w of new Set(s.split(' '))) {
      const l = byWord.get(w);
      if (l) l.push(i);
      else byWord.set(w, [i]);
    }
  });
  return byWord;
}

/**
 * Identifier values (e-mail, URL, host, image): subjects stated with the same value are one, and so
 * are subjects sharing a word with the value's name (`tier2@…` belongs with "if it needs tier 2, …").
 */
function linkIdentifiers(
  items: readonly { subject: string; type: string; value?: string }[],
  type: string,
  subjects: readonly string[],
  uf: ReturnType<typeof minRootUnion>,
): void {
  const byValue = new Map<string, number[]>();
  for (const it of items) {
    if (it.type !== type || !it.subject || !it.value) continue;
    const i = subjects.indexOf(it.subject);
    const l = byValue.get(it.value);
    if (!l) byValue.set(it.value, [i]);
    else if (!l.includes(i)) l.push(i);
  }
  for (const l of byValue.values()) for (const j of l.slice(1)) uf.unite(l[0]!, j);
  // identifiers are named after their role: `tier2@…` belongs with "if it needs tier 2, …"
  const bySubjectWord = indexByWord(subjects);
  for (const [value, l] of [...byValue.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    for (const w of identifierWords(value)) for (const i of bySubjectWord.get(w) ?? []) uf.unite(l[0]!, i);
}

/** Subjects with equal or contained word sets (see {@link sameSubject}) are one. */
function linkSameSubjects(subjects: readonly string[], uf: ReturnType<typeof minRootUnion>): void {
  const byWord = indexByWord(subjects);
  subjects.forEach((s, i) => {
    const cands = new Set<number>();
    for (const w of new Set(s.split(' '))) for (const j of byWord.get(w) ?? []) if (j > i) cands.add(j);
    for (const j of [...cands].sort((a, b) => a - b)) if (sameSubject(s, subjects[j]!)) uf.unite(i, j);
  });
}

/** Words of a fact's sentence that name no topic: cue words, units, everyday verbs. */
const GENERIC_TERMS: ReadonlySet<string> = new Set(
  (
    'now new note remember fyi heads up reminder quick also btw policy team our we use used need make get ' +
    'keep please thing stuff way time minute hour day week month year business from on moved move ' +
    'change switch go be have do can may must should will would current currently these days anymore ' +
    'longer start starting effective'
  ).split(' '),
);

/**
 * The distinctive terms of a fact's sentence: Porter stems (wink-nlp) of its nouns, proper nouns,
 * verbs and adjectives, without the value's own words, numbers and {@link GENERIC_TERMS}.
 */
function sentenceTerms(text: string, value: string | undefined): Set<string> {
  const out = new Set<string>();
  const v = (value ?? '').toLowerCase();
  for (const s of analyse(text))
    for (const k of s.tokens) {
      if (!['NOUN', 'PROPN', 'VERB', 'ADJ'].includes(k.pos)) continue;
      const w = k.normal;
      if (/\d/.test(w) || GENERIC_TERMS.has(w) || GENERIC_TERMS.has(k.lemma) || STOPWORDS.has(w)) continue;
      if (v && (v.includes(w) || w.includes(v))) continue;
      out.add(k.stem);
    }
  return out;
}

/**
 * Pairs of subjects (indexes into `subjects`) of one value type that name one thing in other words,
 * judged from the sentences that state them:
 * - a change that names a previous value ("moved from A to B") joins the subjects stated with A;
 * - two subjects stated with the same value whose sentences share a term ("Customers have 45 days to
 *   return items" / "customers get 45 days to send things back" share `custom`);
 * - two subjects whose sentences share at least two distinctive terms, half of the smaller set.
 * A term is distinctive when the sentences of at most half of the subjects (at least 2) use it (a
 * topic's own term recurs in every wording of it, so a tighter cap would lose exactly those).
 */
function meaningLinks(
  items: readonly { subject: string; value?: string; text?: string }[],
  subjects: readonly string[],
): [number, number][] {
  const index = new Map(subjects.map((s, i) => [s, i]));
  const terms = subjects.map(() => new Set<string>());
  const byValue = new Map<string, Set<number>>();
  const previous: [number, string][] = [];
  for (const it of items) {
    const i = index.get(it.subject);
    if (i === undefined || !it.text) continue;
    const lines = it.text.split('\n');
    for (const line of lines) for (const t of sentenceTerms(line, it.value)) terms[i]!.add(t);
    if (it.value) {
      const l = byValue.get(it.value) ?? new Set<number>();
      l.add(i);
      byValue.set(it.value, l);
    }
    for (const line of lines) {
      const prev = extractFact(line)?.previous;
      if (prev) previous.push([i, prev]);
    }
  }
  const df = new Map<string, number>();
  for (const ts of terms) for (const t of ts) df.set(t, (df.get(t) ?? 0) + 1);
  const cap = Math.max(2, Math.ceil(subjects.length / 2));
  const distinct = terms.map((ts) => [...ts].filter((t) => df.get(t)! <= cap));
  const shared = (a: number, b: number) => distinct[a]!.filter((t) => terms[b]!.has(t)).length;
  const out: [number, number][] = [];
  for (const [i, prev] of previous) for (const j of byValue.get(prev) ?? []) if (j !== i) out.push([i, j]);
  for (const l of byValue.values()) {
    const members = [...l].sort((a, b) => a - b);
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++)
        if ([...terms[members[x]!]!].some((t) => terms[members[y]!]!.has(t)))
          out.push([members[x]!, members[y]!]);
  }
  // different values: a strong overlap of distinctive terms (candidates through a term index)
  const byTerm = new Map<string, number[]>();
  distinct.forEach((ts, i) => {
    for (const t of ts) byTerm.set(t, [...(byTerm.get(t) ?? []), i]);
  });
  distinct.forEach((ts, i) => {
    const cands = new Set<number>();
    for (const t of ts) for (const j of byTerm.get(t) ?? []) if (j > i) cands.add(j);
    for (const j of [...cands].sort((a, b) => a - b)) {
      const n = shared(i, j);
      if (n >= 2 && n * 2 >= Math.min(distinct[i]!.length, distinct[j]!.length)) out.push([i, j]);
    }
  });
  return out;
}
