/**
 * `npm run bench`: benchmark entry. With `--backend …` it runs the training benchmark
 * (./benchTrain.ts, loaded only then so its tfjs import costs nothing here); otherwise the pure
 * core suite (./benchMetrics.ts). Output: one JSON line per figure on stdout.
 */
import { UsageError } from './args.ts';
import { run as runMetricsBench } from './benchMetrics.ts';

type BenchModule = { run(argv: string[]): Promise<number> };

/** A variable, not a literal, so tsc does not resolve the module while it may still be missing. */
const TRAIN_BENCH_MODULE = './benchTrain.ts';

async function main(argv: string[]): Promise<number> {
  if (!argv.includes('--backend')) return runMetricsBench(argv);
  let module: BenchModule;
  try {
    module = (await import(TRAIN_BENCH_MODULE)) as BenchModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND') throw err;
    process.stderr.write(`bench: the training benchmark (src/cli/benchTrain.ts) is not available: ${(err as Error).message}\n`);
    return 2;
  }
  return module.run(argv);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 2;
}
