/** reverie normalized JSONL importer (in progress). */
import { ImportError } from '../domain/index.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/**
 * Imports a reverie normalized JSONL file.
 * @throws ImportError (not implemented yet).
 */
export function importReverieJsonl(
  file: string,
  _text: string,
  _opts: ImporterOptions = {},
): ImportedSession[] {
  throw new ImportError(file, 'reverie JSONL import is not implemented yet');
}
