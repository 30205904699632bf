import { describe, expect, it } from 'vitest';
import { ReverieError } from '../domain/errors.js';
import { createModel, resolveModelConfig } from './config.js';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(ReverieError.isInstance(e)).toBe(true);
    return (e as ReverieError).details.field;
  }
  throw new Error('expected an error');
}

describe('resolveModelConfig', () => {
  it('defaults to Anthropic with the public endpoint and reads the key from the environment', () => {
    const config = resolveModelConfig(
      { model: 'claude-sonnet-4-5' },
      { ANTHROPIC_API_KEY: 'sk-ant-1', OPENAI_API_KEY: 'sk-o' },
    );
    expect(config).toEqual({
      provider: 'anthropic',
      modelId: 'claude-sonnet-4-5',
      apiKey: 'sk-ant-1',
      baseURL: 'https://api.anthropic.com',
    });
    const model = createModel(config);
    expect([model.specificationVersion, model.provider, model.modelId]).toEqual([
      'v1',
      'anthropic',
      'claude-sonnet-4-5',
    ]);
  });

  it('takes an OpenAI-compatible base URL and retry settings', () => {
    const env = {
      OPENAI_API_KEY: 'ollama',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      ANTHROPIC_API_KEY: 'unused',
    };
    const config = resolveModelConfig(
      { provider: 'openai', model: 'qwen3:8b', maxRetries: 0, timeoutMs: 5000 },
      env,
    );
    expect(config).toEqual({
      provider: 'openai',
      modelId: 'qwen3:8b',
      apiKey: 'ollama',
      baseURL: 'http://localhost:11434/v1',
      maxRetries: 0,
      timeoutMs: 5000,
    });
    expect(createModel(config).provider).toBe('openai');
  });

  it('names what is missing or wrong', () => {
    const env = { ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k' };
    expect(fieldOf(() => resolveModelConfig({ provider: 'gemini', model: 'm' }, env))).toBe('provider');
    expect(() => resolveModelConfig({ provider: 'gemini', model: 'm' }, env)).toThrow(
      /--provider must be one of anthropic, openai \(got "gemini"\)/,
    );
    expect(fieldOf(() => resolveModelConfig({}, env))).toBe('model');
    expect(() => resolveModelConfig({ provider: 'openai', model: ' ' }, env)).toThrow(
      /--model is required with --provider openai/,
    );
    expect(fieldOf(() => resolveModelConfig({ model: 'm' }, { OPENAI_API_KEY: 'k' }))).toBe(
      'ANTHROPIC_API_KEY',
    );
    expect(() => resolveModelConfig({ provider: 'openai', model: 'm' }, { OPENAI_API_KEY: '' })).toThrow(
      /OPENAI_API_KEY is not set/,
    );
    expect(
      fieldOf(() => resolveModelConfig({ model: 'm' }, { ...env, ANTHROPIC_BASE_URL: 'localhost:8080' })),
    ).toBe('ANTHROPIC_BASE_URL');
    expect(fieldOf(() => resolveModelConfig({ model: 'm', maxRetries: -1 }, env))).toBe('maxRetries');
    expect(fieldOf(() => resolveModelConfig({ model: 'm', timeoutMs: 0 }, env))).toBe('timeoutMs');
  });
});
