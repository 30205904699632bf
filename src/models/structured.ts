/**
 * Structured output shared by every adapter: the JSON Schema sent to the provider (zod 4's
 * `z.toJSONSchema`), validation of the answer with the zod schema, and the retry-once-on-invalid loop
 * (the first invalid answer is sent back with its validation error; a second invalid answer fails).
 */
import { z } from 'zod';
import { ModelInvalidOutputError, ModelRequestError, ModelTruncatedError } from './errors.js';
import type { GenerateObjectRequest, GenerateObjectResult, ModelStopReason, ModelUsage } from './types.js';
import { addUsage, emptyUsage } from './usage.js';

/** Tool / schema names the providers accept (Anthropic tool names and OpenAI `json_schema.name`). */
const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** JSON Schema object (draft 2020-12, as zod emits it). */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of `request.schema` (without `$schema`), checked to describe a JSON object (both
 * providers require an object at the root); also checks `schemaName`.
 * @throws ModelRequestError when the schema is not an object schema or the name is not `^[a-zA-Z0-9_-]{1,64}$`.
 */
export function objectJsonSchema(provider: string, request: GenerateObjectRequest<unknown>): JsonSchema {
  if (!SCHEMA_NAME.test(request.schemaName)) {
    throw new ModelRequestError(
      `schemaName must match ${SCHEMA_NAME}: ${JSON.stringify(request.schemaName)}`,
      {
        provider,
      },
    );
  }
  const { $schema: _ignored, ...schema } = z.toJSONSchema(request.schema) as JsonSchema;
  if (schema.type !== 'object') {
    throw new ModelRequestError(
      `schema ${request.schemaName} must be a zod object schema (got ${String(schema.type)})`,
      {
        provider,
      },
    );
  }
  return schema;
}

/**
 * True when `schema` meets OpenAI's strict structured-output rules (every object lists all its properties
 * as `required` and sets `additionalProperties: false`;
 * https://platform.openai.com/docs/guides/structured-outputs#supported-schemas), checked recursively.
 */
export function isStrictSchema(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictSchema);
  if (typeof schema !== 'object' || schema === null) return true;
  const node = schema as JsonSchema;
  if (node.type === 'object' || node.properties !== undefined) {
    const keys = Object.keys((node.properties as JsonSchema | undefined) ?? {});
    const required = new Set((node.required as string[] | undefined) ?? []);
    if (node.additionalProperties !== false || keys.some((k) => !required.has(k))) return false;
  }
  return Object.values(node).every(isStrictSchema);
}

/**
 * What one HTTP attempt returned: `value` the candidate object (undefined when there was none, `missing`
 * then says why), `text` the raw answer for messages and feedback, the stop reason and usage;
 * `toolCallId` the provider's id of the tool call that carried the answer, when there was one.
 */
export interface AttemptAnswer {
  value: unknown;
  missing?: string;
  text: string;
  stopReason: ModelStopReason;
  usage: ModelUsage;
  responseId?: string;
  toolCallId?: string;
}

/** The previous invalid answer and its readable validation error, for the retry turn. */
export interface AttemptFeedback {
  answer: AttemptAnswer;
  error: string;
}

/** One provider call; given feedback, the adapter appends the invalid answer and the error to the turns. */
export type Attempt = (feedback?: AttemptFeedback) => Promise<AttemptAnswer>;

/**
 * Runs `attempt`, validates its answer with `request.schema`, and retries once with the validation error
 * when it is invalid. Usage is summed over both answers.
 * @throws ModelTruncatedError when an answer stopped at `max_tokens` (not retried).
 * @throws ModelInvalidOutputError when both answers are invalid.
 */
export async function generateValidated<T>(
  provider: string,
  request: GenerateObjectRequest<T>,
  attempt: Attempt,
): Promise<GenerateObjectResult<T>> {
  let usage = emptyUsage();
  const issues: string[] = [];
  let feedback: AttemptFeedback | undefined;
  for (let attempts = 1; attempts <= 2; attempts++) {
    const answer = await attempt(feedback);
    usage = addUsage(usage, answer.usage);
    if (answer.stopReason === 'max_tokens') {
      throw new ModelTruncatedError(
        `${provider}: the answer was cut at max_tokens (${request.maxOutputTokens}); raise the output limit or send less`,
        { provider, usage, maxOutputTokens: request.maxOutputTokens },
      );
    }
    const error = validationError(request.schema, answer);
    if (error === undefined) {
      const object = request.schema.parse(answer.value);
      return { object, usage, stopReason: answer.stopReason, attempts, responseId: answer.responseId };
    }
    issues.push(error);
    feedback = { answer, error };
  }
  throw new ModelInvalidOutputError(
    `${provider}: the answer did not match schema ${request.schemaName} after one retry: ${issues.at(-1)}`,
    { provider, usage, issues, output: feedback?.answer.text ?? '' },
  );
}

function validationError(schema: z.ZodType<unknown>, answer: AttemptAnswer): string | undefined {
  if (answer.missing !== undefined) return answer.missing;
  const parsed = schema.safeParse(answer.value);
  return parsed.success ? undefined : z.prettifyError(parsed.error);
}

/** The text of the retry turn: the validation error and the instruction to answer again. */
export function retryInstruction(error: string): string {
  return `Your answer did not match the required schema:\n${error}\nAnswer again with a corrected object that matches the schema exactly.`;
}
