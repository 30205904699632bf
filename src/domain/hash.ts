/** Content hashing shared by storage, ingest and the dream engine. */
import { createHash } from 'node:crypto';

/**
 * Lowercase hex SHA-256 of the UTF-8 bytes of `text`, without normalisation: the hosted API's
 * `content_sha256` definition.
 */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Size in bytes of `text` encoded as UTF-8. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
