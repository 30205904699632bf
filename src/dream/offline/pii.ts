/**
 * Personal data redaction for text taken from transcripts: e-mail addresses, payment card numbers
 * (13–19 digits, spaced or not, that pass the Luhn check — ISO/IEC 7812-1 Annex B), IBANs (validated
 * with ibantools' ISO 13616 mod-97 check), phone numbers (libphonenumber-js `findPhoneNumbersInText`,
 * Google's libphonenumber metadata; national numbers read as US numbers, international ones by their
 * `+` prefix). Customer identifiers (the sessions' user ids, e.g. `mia_li_3668`) are redacted by the
 * dream's `Redactor`, which knows them. Each is replaced by a marker
 * ({@link PII_MARKERS}) that no rule matches again, so redaction is idempotent.
 *
 * Transcript text only: people's own memory files keep their contact details (only credentials are
 * redacted there, see `secrets.ts`).
 */
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { findPhoneNumbersInText } from 'libphonenumber-js';

/** The markers that replace each kind of personal data. */
export const PII_MARKERS = {
  email: '[EMAIL]',
  card: '[CARD]',
  iban: '[IBAN]',
  phone: '[PHONE]',
  customer_id: '[USER_ID]',
} as const;

/** Any redaction marker (secrets' `[REDACTED]` included), e.g. to recognise redacted values. */
export const REDACTION_MARKER = /\[(?:REDACTED|EMAIL|CARD|IBAN|PHONE|USER_ID)\]/;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** 13–19 digits, optionally grouped by single spaces or dashes. */
const CARD = /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
/**
 * Text shaped like a phone number (`+` and a digit, `(415) 555…`, `415-555-2671`, `415.555.2671`, ten
 * or more digits in a row): the only texts worth a libphonenumber lookup. Dates and amounts are not.
 */
const PHONE_HINT = /\+\d|\(\d{2,4}\)\s?\d|\b\d{2,4}[-.\s]\d{3,4}[-.\s]\d{3,4}\b|\b\d{10,}\b/;

/** Luhn checksum (ISO/IEC 7812-1): true if the digit string is valid. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Replaces personal data in `text` with markers (see the module comment).
 * @returns the redacted text and how many values were replaced (0 → `text` unchanged).
 * @example redactPii('mail mia@example.com, card 4111 1111 1111 1111') // {text: 'mail [EMAIL], card [CARD]', count: 2}
 */
export function redactPii(text: string): { text: string; count: number } {
  if (!/[@\d]/.test(text)) return { text, count: 0 }; // every kind needs an "@" or a digit
  let count = 0;
  const sub = (marker: string) => () => {
    count++;
    return marker;
  };
  let out = text.replace(EMAIL, sub(PII_MARKERS.email));
  out = out.replace(CARD, (m) => {
    const digits = m.replace(/\D/g, '');
    if (/^(\d)\1+$/.test(digits) || !luhnValid(digits)) return m;
    count++;
    return PII_MARKERS.card;
  });
  out = out.replace(IBAN, (m) => {
    const e = electronicFormatIBAN(m);
    if (!e || !isValidIBAN(e)) return m;
    count++;
    return PII_MARKERS.iban;
  });
  if (PHONE_HINT.test(out)) {
    const found = findPhoneNumbersInText(out, { defaultCountry: 'US' });
    for (const f of [...found].reverse()) {
      out = `${out.slice(0, f.startsAt)}${PII_MARKERS.phone}${out.slice(f.endsAt)}`;
      count++;
    }
  }
  return { text: out, count };
}
