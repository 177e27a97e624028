import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A problem with the command line or the input a command was given: exit code 2, one line on stderr. */
export class UsageError extends Error {}

/** node:util parseArgs, with its errors turned into UsageError so every command reports them alike. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A required numeric option: an integer within [min, max]. */
export function intOption(value: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got '${value}'`);
  return n;
}
