/**
 * A concurrency cap for model calls: at most `maxConcurrency` calls of the wrapped model in flight, the
 * rest queued in arrival order (FIFO). The LLM engine can then issue every call of a phase at once and
 * the cap keeps it within the provider's rate limits; retries after 429/529 stay the SDK's.
 */
import type { GenerateObjectRequest, GenerateObjectResult, ObjectModel } from './types.js';

/** An {@link ObjectModel} with its queue's figures: calls running now, waiting, and the most ever in flight. */
export interface LimitedModel extends ObjectModel {
  readonly running: number;
  readonly waiting: number;
  readonly peakConcurrency: number;
}

/**
 * Wraps `model` so that at most `maxConcurrency` (a whole number ≥ 1) calls run at once.
 * @throws RangeError when `maxConcurrency` is not a whole number ≥ 1.
 */
export function withConcurrencyLimit(model: ObjectModel, maxConcurrency: number): LimitedModel {
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new RangeError(`maxConcurrency must be a whole number ≥ 1 (got ${maxConcurrency})`);
  }
  const queue: Array<() => void> = [];
  let running = 0;
  let peak = 0;
  const acquire = (): Promise<void> => {
    if (running < maxConcurrency) {
      running += 1;
      peak = Math.max(peak, running);
      return Promise.resolve();
    }
    return new Promise((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
    get peakConcurrency() {
      return peak;
    },
    async generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>> {
      await acquire();
      try {
        return await model.generateObject(request);
      } finally {
        release();
      }
    },
  };
}
