/**
 * Options shared by the provider adapters. `apiKey` and `baseURL` are required (see
 * {@link import('./config.js').resolveModelConfig} for where they come from); `maxRetries` is the SDK's
 * retry count after the first attempt (default 4); `timeoutMs` the per-attempt timeout in milliseconds
 * (default 120,000).
 */
export interface ProviderOptions {
  modelId: string;
  apiKey: string;
  baseURL: string;
  maxRetries?: number;
  timeoutMs?: number;
}
