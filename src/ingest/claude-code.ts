/** Claude Code JSONL importer (in progress). */
import { ImportError } from '../domain/index.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/**
 * Imports a Claude Code session file.
 * @throws ImportError (not implemented yet).
 */
export function importClaudeCode(
  file: string,
  _text: string,
  _opts: ImporterOptions = {},
): ImportedSession[] {
  throw new ImportError(file, 'claude-code import is not implemented yet');
}
