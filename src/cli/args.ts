/** Option-argument parsers shared by the CLI's command modules (commander `argParser` functions). */
import { type Command, InvalidArgumentError, Option } from 'commander';

/**
 * Parses a positive integer option value.
 * @throws InvalidArgumentError (commander prints it and exits with status 2) otherwise.
 */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Collects a repeatable option's values into an array, in command-line order. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/**
 * Parses a fraction between 0 and 0.5 (e.g. a holdout share).
 * @throws InvalidArgumentError (commander prints it and exits with status 2) otherwise.
 */
export function fraction(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 0.5)
    throw new InvalidArgumentError('expected a number from 0 to 0.5');
  return n;
}

/** The options {@link addEngineOptions} adds, as commander parses them (camel-cased). */
export interface EngineFlags {
  engine?: 'offline' | 'llm';
  provider?: 'anthropic' | 'openai';
  model?: string;
  maxInputTokens?: number;
  dryRun?: boolean;
  record?: string;
  replay?: string;
}

/**
 * Adds the options that choose and drive the LLM engine, shared by `dream` and `eval`: `--engine`,
 * `--provider`, `--model`, `--max-input-tokens`, `--dry-run`, `--record DIR`, `--replay DIR`.
 * @param help per-command help of `--model`, `--max-input-tokens` and `--dry-run`.
 */
export function addEngineOptions(
  cmd: Command,
  help: { model: string; maxInputTokens: string; dryRun: string },
): Command {
  return cmd
    .addOption(
      new Option(
        '--engine <engine>',
        'offline (default) or llm (default when --model names a model)',
      ).choices(['offline', 'llm']),
    )
    .addOption(
      new Option(
        '--provider <provider>',
        'llm provider: anthropic (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL) or openai (OPENAI_API_KEY, OPENAI_BASE_URL)',
      ).choices(['anthropic', 'openai']),
    )
    .option('--model <id>', help.model)
    .option('--max-input-tokens <n>', help.maxInputTokens, positiveInt)
    .option('--dry-run', help.dryRun)
    .option('--record <dir>', 'llm: call the model and write every answer to DIR (fixtures)')
    .option('--replay <dir>', 'llm: answer only from the fixtures in DIR; never call');
}
