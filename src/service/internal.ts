/**
 * The service layer's own access to a {@link Reverie}'s storage, for the service modules beside it
 * (review, schedules, queues, memory trees, uploads) and for tests that inspect the database. Shells never
 * import this module (it is not re-exported by `service/index.ts`): they call the service's methods, so
 * `Reverie` keeps its storage in a private field (shared/DESIGN.md "Modules": no shell talks to storage).
 */
import type { Storage } from '../storage/index.js';
import type { Reverie } from './reverie.js';

let read: ((r: Reverie) => Storage) | undefined;

/**
 * Called once by `Reverie`'s static initializer with a function that reads its private storage field.
 * @internal
 */
export function grantStorageAccess(reader: (r: Reverie) => Storage): void {
  read = reader;
}

/**
 * The storage (already scoped to the service's workspace, when it has one) behind `reverie`.
 * @throws TypeError when `reverie` is not a {@link Reverie} (private-field brand check).
 */
export function storageOf(reverie: Reverie): Storage {
  if (!read) throw new Error('service/reverie.js has not been loaded');
  return read(reverie);
}
