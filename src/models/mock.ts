/**
 * The scripted mock model: answers calls from a list, in order, through the same validation and
 * retry-once-on-invalid path as the real adapters. For tests of the LLM engine without any server.
 */
import { type AttemptAnswer, generateValidated, objectJsonSchema } from './structured.js';
import type {
  GenerateObjectRequest,
  GenerateObjectResult,
  ModelStopReason,
  ModelUsage,
  ObjectModel,
} from './types.js';
import { emptyUsage } from './usage.js';

/**
 * One scripted answer: `object` (validated by the caller's schema; an invalid one triggers the retry like a
 * real model's), `text` (a raw answer that is not JSON), or `error` (thrown as is, e.g. a
 * `ModelRateLimitError`); `usage` and `stopReason` default to zeros and `tool_use`. A function receives the
 * request and returns one of those.
 */
export type MockResponse = MockAnswer | ((request: GenerateObjectRequest<unknown>) => MockAnswer);

/** A scripted answer that is not a function (see {@link MockResponse}). */
export type MockAnswer =
  | { object: unknown; usage?: Partial<ModelUsage>; stopReason?: ModelStopReason }
  | { text: string; usage?: Partial<ModelUsage>; stopReason?: ModelStopReason }
  | { error: Error };

/** A mock {@link ObjectModel} plus what it was asked: `calls` holds every attempt's request, in order. */
export interface MockModel extends ObjectModel {
  readonly calls: GenerateObjectRequest<unknown>[];
  /** Scripted responses not used yet. */
  readonly remaining: number;
}

/**
 * Creates a scripted model (`provider: "mock"`). Each attempt consumes the next response; a retry after
 * an invalid answer consumes one more and its request carries the invalid answer and the validation error
 * as two extra turns.
 * @throws Error from `generateObject` when the script is exhausted (names the call number).
 * @example
 * const model = createMockModel([{ object: { lesson: 'x' } }, { error: new ModelOverloadedError('busy', { provider: 'mock' }) }]);
 */
export function createMockModel(responses: MockResponse[], modelId = 'mock-model'): MockModel {
  const script = [...responses];
  const calls: GenerateObjectRequest<unknown>[] = [];
  const answerOne = (request: GenerateObjectRequest<unknown>): AttemptAnswer => {
    calls.push(request);
    const scripted = script.shift();
    if (scripted === undefined)
      throw new Error(`mock model: no scripted response left for call ${calls.length}`);
    const next = typeof scripted === 'function' ? scripted(request) : scripted;
    if ('error' in next) throw next.error;
    const usage = { ...emptyUsage(), ...next.usage };
    const stopReason = next.stopReason ?? 'tool_use';
    if ('text' in next) {
      return {
        value: undefined,
        missing: 'the answer was not a JSON object',
        text: next.text,
        stopReason,
        usage,
      };
    }
    return { value: next.object, text: JSON.stringify(next.object), stopReason, usage };
  };
  return {
    specificationVersion: 'v1',
    provider: 'mock',
    modelId,
    calls,
    get remaining() {
      return script.length;
    },
    async generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>> {
      objectJsonSchema('mock', request);
      return generateValidated('mock', request, async (feedback) => {
        if (feedback === undefined) return answerOne(request);
        const messages = [
          ...request.messages,
          { role: 'assistant' as const, content: feedback.answer.text },
          { role: 'user' as const, content: feedback.error },
        ];
        return answerOne({ ...request, messages });
      });
    },
  };
}
