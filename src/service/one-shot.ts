/**
 * The one-shot dream behind `reverie dream <transcripts…> [--memory DIR] [--out DIR]`: import the
 * transcripts, load the memory folder into a fresh store, dream, and write the consolidated store plus
 * its change set to a folder — no server, no API key, no set-up.
 */
import { basename, resolve } from 'node:path';
import type { Dream, DreamProgress, MemoryStore, SourceFormat } from '../domain/index.js';
import { ReverieError, ValidationError } from '../domain/index.js';
import type { LlmEstimate } from '../dream/index.js';
import type { InvalidJsonMode, InvalidUtf8Mode } from '../ingest/index.js';
import { evidenceSources, renderChangeSetMarkdown } from './change-report.js';
import { fromClaudeCodeLayout, type MemoryLayout, toLayout } from './claude-code-layout.js';
import { readMemoryFolder, writeMemoryFolder } from './directory.js';
import { findInstructionFiles } from './instruction-files.js';
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
  /**
   * Layout of `outDir`: `reverie` (default: `/feedback/x.md` …) or `claude-code` (one memory per file
   * with `name`/`description`/`type` front matter; see `claude-code-layout.ts`). A memory folder written
   * in the Claude Code layout is read back into reverie's whatever this says.
   */
  layout?: MemoryLayout;
  /**
   * Instruction files to hold the memories against (besides the `CLAUDE.md`/`AGENTS.md` found in the
   * sessions' working directories): see {@link findInstructionFiles}.
   */
  instructions_files?: string[];
  format?: SourceFormat;
  agent_id?: string;
  team_id?: string;
  min_support?: number;
  instructions?: string | null;
  /** `offline` or `llm`; default chosen by `model` (see `Reverie.createDream`). */
  engine?: 'offline' | 'llm';
  /** Model id: `reverie-offline`, or the provider's model name for the llm engine. */
  model?: string;
  /** Transcript bytes that are not UTF-8: `warn` (default) or `error` (see {@link Reverie.importSessions}). */
  invalid_utf8?: InvalidUtf8Mode;
  /** JSONL lines that are not JSON: `warn` (default; skipped, reported) or `error` (see {@link Reverie.importSessions}). */
  invalid_json?: InvalidJsonMode;
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
  const { report, store, sessionIds } = await prepareOneShot(svc, input);
  const instructionFiles = await findInstructionFiles(svc, sessionIds, input.instructions_files ?? []);
  const dream = await svc.dream(
    {
      memory_store_id: store.id,
      session_ids: sessionIds,
      instructions: input.instructions ?? null,
      ...(input.engine ? { engine: input.engine } : {}),
      ...(input.model ? { model: input.model } : {}),
      options: {
        ...(input.min_support !== undefined ? { min_support: input.min_support } : {}),
        ...(instructionFiles.length > 0 ? { instruction_files: instructionFiles } : {}),
      },
    },
    { onProgress: input.onProgress },
  );
  return writeOneShot(svc, input, report, store, sessionIds, dream);
}

/**
 * The dry run of a one-shot LLM dream: imports the transcripts and the memory folder like
 * {@link oneShotDream}, then estimates the calls and tokens without creating a dream or sending anything.
 * @throws as {@link oneShotDream} before the dream; ValidationError when no LLM engine is configured.
 */
export async function oneShotEstimate(
  svc: Reverie,
  input: OneShotInput,
): Promise<{ import: ImportReport; input_store: MemoryStore; estimate: LlmEstimate }> {
  const { report, store, sessionIds } = await prepareOneShot(svc, input);
  const estimate = await svc.estimateDream({
    memory_store_id: store.id,
    session_ids: sessionIds,
    instructions: input.instructions ?? null,
    engine: 'llm',
    ...(input.model ? { model: input.model } : {}),
    options: input.min_support !== undefined ? { min_support: input.min_support } : undefined,
  });
  return { import: report, input_store: store, estimate };
}

async function prepareOneShot(
  svc: Reverie,
  input: OneShotInput,
): Promise<{ report: ImportReport; store: MemoryStore; sessionIds: string[] }> {
  // Check the memory folder before anything is stored, so a bad folder leaves nothing behind.
  const read = input.memoryDir ? await readMemoryFolder(input.memoryDir) : null;
  const memoryFiles = read && fromClaudeCodeLayout(read);
  const report = await svc.importSessions(input.transcripts, {
    format: input.format,
    agent_id: input.agent_id,
    team_id: input.team_id,
    invalid_utf8: input.invalid_utf8,
    invalid_json: input.invalid_json,
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
  return { report, store, sessionIds };
}

async function writeOneShot(
  svc: Reverie,
  input: OneShotInput,
  report: ImportReport,
  store: MemoryStore,
  sessionIds: string[],
  dream: Dream,
): Promise<OneShotResult> {
  const outputStoreId = dream.outputs[0]?.memory_store_id ?? null;
  let outDir: string | null = null;
  if (input.outDir && outputStoreId) {
    outDir = resolve(input.outDir);
    const files = toLayout(
      (await svc.snapshot(outputStoreId)).map((m) => ({ path: m.path, content: m.content! })),
      input.layout ?? 'reverie',
    );
    const changes = await svc.listChanges(dream.id);
    const sessions = new Map((await svc.getSessions(sessionIds)).map((s) => [s.id, s]));
    const proposals = changes.map(
      ({ id: _id, dream_id: _d, status: _s, review: _r, applied_at: _a, type: _t, ...rest }) => rest,
    );
    await writeMemoryFolder(outDir, files, {
      '.reverie/changes.json': `${JSON.stringify(proposals, null, 2)}\n`,
      '.reverie/CHANGES.md': renderChangeSetMarkdown(proposals, {
        title: `Change set of the dream over ${sessionIds.length} session${sessionIds.length === 1 ? '' : 's'}`,
        lookup: (id) => sessions.get(id),
        sources: await evidenceSources(proposals, (id) => svc.getEvents(id)),
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
