/** Content hashing shared by storage, ingest and the dream engine. */
import { hash } from 'node:crypto';

/**
 * Lowercase hex SHA-256 of the UTF-8 bytes of `text`, without normalisation: the hosted API's
 * `content_sha256` definition.
 */
export function sha256Hex(text: string | Uint8Array): string {
  // one-shot `crypto.hash` (Node ≥ 21.7): no Hash object per call, which import pays per session and blob
  return hash('sha256', text, 'hex');
}

/** Size in bytes of `text` encoded as UTF-8. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
