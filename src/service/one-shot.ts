/**
 * The one-shot dream behind `reverie dream <transcripts…> [--memory DIR] [--out DIR]`: import the
 * transcripts, load the memory folder into a fresh store, dream, and write the consolidated store plus
 * its change set to a folder — no server, no API key, no set-up.
 */
import { basename, resolve } from 'node:path';
import type { Dream, DreamProgress, MemoryStore, SourceFormat } from '../domain/index.js';
import { ReverieError, ValidationError } from '../domain/index.js';
import type { InvalidUtf8Mode } from '../ingest/index.js';
import { renderChangeSetMarkdown } from './change-report.js';
import { readMemoryFolder, writeMemoryFolder } from './directory.js';
import type { FileImportReport, ImportReport, Reverie } from './reverie.js';

/** Input of {@link oneShotDream}. */
export interface OneShotInput {
  transcripts: string[];
  /** Folder of existing memories (e.g. a Claude Code memory directory). Optional. */
  memoryDir?: string | null;
  /**
   * Folder to write the output store to (see {@link writeMemoryFolder}: only files reverie wrote there
   * are replaced or removed; a person's files are kept). Optional.
   */
  outDir?: string | null;
  format?: SourceFormat;
  agent_id?: string;
  team_id?: string;
  min_support?: number;
  instructions?: string | null;
  /** Transcript bytes that are not UTF-8: `warn` (default) or `error` (see {@link Reverie.importSessions}). */
  invalid_utf8?: InvalidUtf8Mode;
  onFile?: (r: FileImportReport, index: number) => void;
  onProgress?: (p: DreamProgress) => void;
}

/** Result of {@link oneShotDream}. */
export interface OneShotResult {
  import: ImportReport;
  input_store: MemoryStore;
  dream: Dream;
  output_store_id: string | null;
  out_dir: string | null;
}

/**
 * Runs the one-shot dream. The change set is written to `OUT/.reverie/changes.json` (machine-readable,
 * without run-specific ids, so two runs over the same input are byte-identical) and
 * `OUT/.reverie/CHANGES.md` (readable, with reasons, evidence and diffs).
 * @throws ValidationError if no transcript could be imported; errors of the memory folder (naming the file);
 *   a refusal of the output folder (see {@link writeMemoryFolder}), naming the dream and its output store,
 *   which stay in the database.
 */
export async function oneShotDream(svc: Reverie, input: OneShotInput): Promise<OneShotResult> {
  // Check the memory folder before anything is stored, so a bad folder leaves nothing behind.
  const memoryFiles = input.memoryDir ? await readMemoryFolder(input.memoryDir) : null;
  const report = await svc.importSessions(input.transcripts, {
    format: input.format,
    agent_id: input.agent_id,
    team_id: input.team_id,
    invalid_utf8: input.invalid_utf8,
    onFile: input.onFile,
  });
  const sessionIds = [...new Set(report.session_ids)];
  if (sessionIds.length === 0) {
    const first = report.files.find((f) => f.status === 'failed');
    throw new ValidationError(
      `no sessions imported from ${input.transcripts.join(', ')}${first && 'error' in first ? `: ${first.error.message}` : ''}`,
      'transcripts',
    );
  }
  const name = input.memoryDir ? basename(resolve(input.memoryDir)) : 'reverie one-shot';
  const store = await svc.createStore({ name, description: 'created by reverie dream (one-shot)' });
  if (input.memoryDir && memoryFiles)
    await svc.importFolder(store.id, input.memoryDir, undefined, memoryFiles);
  const dream = await svc.dream(
    {
      memory_store_id: store.id,
      session_ids: sessionIds,
      instructions: input.instructions ?? null,
      options: input.min_support !== undefined ? { min_support: input.min_support } : undefined,
    },
    { onProgress: input.onProgress },
  );
  const outputStoreId = dream.outputs[0]?.memory_store_id ?? null;
  let outDir: string | null = null;
  if (input.outDir && outputStoreId) {
    outDir = resolve(input.outDir);
    const files = (await svc.snapshot(outputStoreId)).map((m) => ({ path: m.path, content: m.content! }));
    const changes = await svc.listChanges(dream.id);
    const sessions = new Map((await svc.getSessions(sessionIds)).map((s) => [s.id, s]));
    const proposals = changes.map(
      ({ id: _id, dream_id: _d, status: _s, review: _r, applied_at: _a, type: _t, ...rest }) => rest,
    );
    await writeMemoryFolder(outDir, files, {
      '.reverie/changes.json': `${JSON.stringify(proposals, null, 2)}\n`,
      '.reverie/CHANGES.md': renderChangeSetMarkdown(proposals, {
        title: `Change set of the dream over ${sessionIds.length} sessions`,
        lookup: (id) => sessions.get(id),
      }),
    }).catch((e: unknown) => {
      if (!ReverieError.isInstance(e)) throw e;
      throw new ReverieError(
        e.type,
        `${e.message} The dream ${dream.id} completed and its output store ${outputStoreId} is kept: write it to another folder with \`reverie store export ${outputStoreId} DIR\`.`,
        { ...e.details, dream_id: dream.id, output_store_id: outputStoreId },
      );
    });
  }
  return { import: report, input_store: store, dream, output_store_id: outputStoreId, out_dir: outDir };
}
