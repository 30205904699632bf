/**
 * What the LLM engine removes from text before a model sees it: credentials (the offline engine's
 * `redactSecrets`: gitleaks-style token formats, `password=` assignments, prose passwords), e-mail
 * addresses, and phone numbers (libphonenumber-js `findPhoneNumbersInText` with Google's libphonenumber
 * metadata; national numbers read as US numbers). Deterministic, so cache keys and fixtures stay stable.
 */
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { redactSecrets } from '../offline/secrets.js';

/** Marker of a redacted e-mail address. */
export const EMAIL_MARKER = '[EMAIL]';
/** Marker of a redacted phone number. */
export const PHONE_MARKER = '[PHONE]';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** Only text shaped like a phone number is worth a libphonenumber lookup (dates and amounts are not). */
const PHONE_HINT = /\+\d|\(\d{2,4}\)\s?\d|\b\d{2,4}[-.\s]\d{3,4}[-.\s]\d{3,4}\b|\b\d{10,}\b/;

/** Replaces phone numbers in `text` with {@link PHONE_MARKER}. */
function redactPhones(text: string): string {
  if (!PHONE_HINT.test(text)) return text;
  const found = findPhoneNumbersInText(text, 'US');
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.startsAt) + PHONE_MARKER;
    at = f.endsAt;
  }
  return out + text.slice(at);
}

/**
 * `text` with secrets, e-mail addresses and phone numbers replaced by markers; never throws.
 * @example redactForModel('mail ann@example.com, key sk-ant-…') // 'mail [EMAIL], key [REDACTED]'
 */
export function redactForModel(text: string): string {
  return redactPhones(redactSecrets(text).text.replace(EMAIL, EMAIL_MARKER));
}
