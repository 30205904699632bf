/**
 * WAL checkpoints on a worker thread, off the event loop of a long-running process (`reverie mcp`).
 *
 * In WAL mode every commit appends its pages to the `-wal` file; a checkpoint copies them back into the
 * database file and, under `synchronous = NORMAL`, is the only step that calls fsync
 * (https://www.sqlite.org/wal.html §3 "Checkpointing", https://www.sqlite.org/pragma.html#pragma_synchronous).
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past `wal_autocheckpoint`
 * (1,000 pages): that one write pays for the page copies and fsyncs of every write since the last
 * checkpoint, which at reverie's 16 kB pages and ~5 pages per memory write is the 160th write (13–60 ms,
 * measured with bench/agents.ts at 10,000 memories, against a median write of under 1 ms).
 *
 * A {@link BackgroundCheckpointer} opens a second connection to the same file on a worker thread and runs
 * `PRAGMA wal_checkpoint(PASSIVE)` there when the writes pause. A PASSIVE checkpoint runs concurrently with
 * readers and writers and never waits for them; once it has copied every frame, the next writer restarts
 * the WAL from its beginning, so the main connection's automatic checkpoint (left on as the safety net,
 * at a higher threshold: for a worker that failed, or writes that never pause long enough for the WAL to
 * restart) is not reached in normal use.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Result of one checkpoint, in WAL frames (pages): SQLite's `wal_checkpoint` row. */
export interface CheckpointResult {
  /** 1 when the checkpoint could not run to completion (another checkpointer, or a reader on old frames). */
  busy: number;
  /** Frames in the WAL. */
  log: number;
  /** Frames of it now copied into the database file. */
  checkpointed: number;
}

/** Options of {@link BackgroundCheckpointer}. */
export interface CheckpointerOptions {
  /** A checkpoint runs once no commit has come for this many milliseconds. Default 50. */
  idleMs?: number;
  /** …or after this many commits since the last one, even without a pause. Default 500 (about 2,500 WAL pages of memory edits). */
  maxCommits?: number;
  /** busy_timeout of the worker's connection, ms. Default 30,000. */
  busyTimeoutMs?: number;
  /** Called once if the worker fails (it does not restart): e.g. to give the main connection its automatic checkpoint back. */
  onFailure?: (e: Error) => void;
}

// The worker: a script run with `eval`, so that it needs no compiled file of its own (the same code
// serves dist/ and the TypeScript sources under vitest). It reaches modules through
// process.getBuiltinModule (Node >= 22.3), so it runs as CommonJS or as ESM (a parent started with
// --input-type=module passes that on). One message at a time: {type:'checkpoint', id} or {type:'close'}.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const Database = process.getBuiltinModule('node:module').createRequire(workerData.driver)(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ type: 'done', id: m.id, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ type: 'failed', id: m.id, message: String((e && e.message) || e) });
  }
});
`;

type WorkerReply =
  | ({ type: 'done'; id: number } & CheckpointResult)
  | { type: 'failed'; id: number; message: string };

/**
 * Checkpoints one SQLite database file (in WAL mode) on a worker thread; see the module comment.
 * `nudge()` after each commit; `close()` before closing the main connection. The worker does not keep
 * the process alive, except while a checkpoint is under way. If the worker fails, nudges are ignored from then on and the main connection's
 * automatic checkpoint takes over.
 *
 * @example
 *   const ckpt = new BackgroundCheckpointer('/home/me/.reverie/reverie.db');
 *   db.exec('COMMIT'); ckpt.nudge();   // checkpointed on the worker thread once writes pause for 50 ms
 *   await ckpt.close();
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #idleMs: number;
  readonly #maxCommits: number;
  readonly #waiting = new Map<
    number,
    { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #commits = 0;
  #exited: Promise<void>;
  #stopped = false;
  #checkpoints = 0;
  #failure: Error | undefined;
  readonly #onFailure: ((e: Error) => void) | undefined;

  /** Starts the worker on `file` (an existing database; the worker refuses to create one). */
  constructor(file: string, opts: CheckpointerOptions = {}) {
    this.#idleMs = opts.idleMs ?? 50;
    this.#maxCommits = opts.maxCommits ?? 500;
    this.#onFailure = opts.onFailure;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        busyTimeoutMs: opts.busyTimeoutMs ?? 30_000,
      },
    });
    this.#worker.on('message', (m: WorkerReply) => this.#settle(m));
    this.#worker.on('error', (e: Error) => this.#fail(e));
    this.#worker.unref(); // after the listeners: adding a 'message' listener refs the worker again
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#exited.then(() => this.#fail(new Error('the checkpoint worker exited')));
  }

  /** Checkpoints the worker has run, and why it stopped (undefined while it works). */
  get stats(): { checkpoints: number; failure: Error | undefined } {
    return { checkpoints: this.#checkpoints, failure: this.#failure };
  }

  /**
   * Records a commit; free to call after every one. The checkpoint that takes it runs once the writes pause
   * for `idleMs` (an agent's calls come seconds apart, so normally between two of them), or after
   * `maxCommits` commits under a stream of writes without pauses; one at a time. Checkpointing in the
   * pauses rather than after each commit also keeps its fsyncs away from the writes: on a journaling file
   * system a write() can wait for the journal commit that another thread's fsync forces.
   */
  nudge(): void {
    if (this.#stopped) return;
    this.#commits++;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#running || this.#commits === 0) return;
    if (this.#commits >= this.#maxCommits) this.#run();
    else if (this.#timer) this.#timer.refresh();
    else {
      this.#timer = setTimeout(() => this.#run(), this.#idleMs);
      this.#timer.unref();
    }
  }

  #run(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#commits = 0;
    this.#running = true;
    this.checkpoint()
      .catch(() => {})
      .finally(() => {
        this.#running = false;
        this.#schedule();
      });
  }

  /**
   * Runs a checkpoint now on the worker and resolves with its result.
   * @throws Error when the worker has failed or is closed.
   */
  checkpoint(): Promise<CheckpointResult> {
    if (this.#stopped) return Promise.reject(this.#failure ?? new Error('the checkpoint worker is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.ref(); // a checkpoint under way keeps the process alive until it answers
      this.#worker.postMessage({ type: 'checkpoint', id });
    });
  }

  /** Stops the worker after its current checkpoint and closes its connection; resolves once it has exited. */
  async close(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#worker.postMessage({ type: 'close' });
    }
    this.#worker.ref(); // keeps the process alive until the worker has closed its connection
    await this.#exited;
  }

  #settle(m: WorkerReply): void {
    const w = this.#waiting.get(m.id);
    this.#waiting.delete(m.id);
    if (this.#waiting.size === 0 && !this.#stopped) this.#worker.unref();
    if (m.type === 'done') {
      this.#checkpoints++;
      w?.resolve({ busy: m.busy, log: m.log, checkpointed: m.checkpointed });
    } else w?.reject(new Error(`WAL checkpoint failed: ${m.message}`));
  }

  #fail(e: Error): void {
    if (!this.#stopped) {
      this.#failure = e;
      this.#onFailure?.(e);
    }
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const w of this.#waiting.values()) w.reject(e);
    this.#waiting.clear();
  }
}
