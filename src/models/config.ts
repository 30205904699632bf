/**
 * Model configuration from command-line options and the environment, and the factory that turns it into
 * an {@link ObjectModel}. The environment variables are the SDKs' own: `ANTHROPIC_API_KEY`,
 * `ANTHROPIC_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`; they are read here (from the `env` passed in)
 * and handed to the SDKs explicitly, so nothing else in the process environment changes what is called.
 */
import { ValidationError } from '../domain/errors.js';
import { createAnthropicModel } from './anthropic.js';
import { createOpenAIModel } from './openai.js';
import type { ProviderOptions } from './provider-options.js';
import type { ObjectModel } from './types.js';

/** The providers reverie has adapters for. */
export const MODEL_PROVIDERS = ['anthropic', 'openai'] as const;
/** One of {@link MODEL_PROVIDERS}. */
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

const PROVIDER_ENV = {
  anthropic: { key: 'ANTHROPIC_API_KEY', url: 'ANTHROPIC_BASE_URL', defaultURL: 'https://api.anthropic.com' },
  openai: { key: 'OPENAI_API_KEY', url: 'OPENAI_BASE_URL', defaultURL: 'https://api.openai.com/v1' },
} as const;

/** What the command line gives: `--provider` (default `anthropic`), `--model`, and optional retry/timeout settings. */
export interface ModelConfigOptions {
  provider?: string;
  model?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

/** A complete model configuration: the provider plus everything its adapter needs. */
export interface ModelConfig extends ProviderOptions {
  provider: ModelProvider;
}

/**
 * Resolves `opts` and `env` (e.g. `process.env`) into a {@link ModelConfig}. The key comes from
 * `ANTHROPIC_API_KEY` / `OPENAI_API_KEY`; the base URL from `ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL`, else
 * the provider's public endpoint. A local server that needs no key still needs the variable set to any
 * value (the SDKs refuse to run without one), e.g. `OPENAI_API_KEY=ollama`.
 * @throws ValidationError (`invalid_request_error`) naming the field: an unknown `provider`, a missing
 *   `model`, a missing key variable, a base URL that is not http(s), a negative `maxRetries` or a
 *   non-positive `timeoutMs`.
 * @example
 * resolveModelConfig({ provider: 'openai', model: 'qwen3:8b' }, { OPENAI_API_KEY: 'ollama', OPENAI_BASE_URL: 'http://localhost:11434/v1' })
 */
export function resolveModelConfig(
  opts: ModelConfigOptions,
  env: Record<string, string | undefined>,
): ModelConfig {
  const provider = opts.provider ?? 'anthropic';
  if (!(MODEL_PROVIDERS as readonly string[]).includes(provider)) {
    throw new ValidationError(
      `--provider must be one of ${MODEL_PROVIDERS.join(', ')} (got "${provider}")`,
      'provider',
    );
  }
  const names = PROVIDER_ENV[provider as ModelProvider];
  if (!opts.model?.trim()) {
    throw new ValidationError(
      `--model is required with --provider ${provider} (the provider's model name)`,
      'model',
    );
  }
  const apiKey = env[names.key]?.trim();
  if (!apiKey) {
    throw new ValidationError(
      `${names.key} is not set: --provider ${provider} needs an API key (for a local server without keys, set it to any value)`,
      names.key,
    );
  }
  const baseURL = env[names.url]?.trim() || names.defaultURL;
  if (!/^https?:\/\/[^/\s]+/.test(baseURL) || !URL.canParse(baseURL)) {
    throw new ValidationError(`${names.url} must be an http(s) URL (got "${baseURL}")`, names.url);
  }
  if (opts.maxRetries !== undefined && !(Number.isInteger(opts.maxRetries) && opts.maxRetries >= 0)) {
    throw new ValidationError(`maxRetries must be a whole number ≥ 0 (got ${opts.maxRetries})`, 'maxRetries');
  }
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) {
    throw new ValidationError(`timeoutMs must be > 0 milliseconds (got ${opts.timeoutMs})`, 'timeoutMs');
  }
  const config: ModelConfig = {
    provider: provider as ModelProvider,
    modelId: opts.model.trim(),
    apiKey,
    baseURL,
  };
  if (opts.maxRetries !== undefined) config.maxRetries = opts.maxRetries;
  if (opts.timeoutMs !== undefined) config.timeoutMs = opts.timeoutMs;
  return config;
}

/** The adapter for `config.provider` (Anthropic Messages or OpenAI-compatible chat completions). */
export function createModel(config: ModelConfig): ObjectModel {
  return config.provider === 'anthropic' ? createAnthropicModel(config) : createOpenAIModel(config);
}
