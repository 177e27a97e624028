/**
 * `npm run bench`: benchmark entry. With `--soak MINUTES` it runs the memory soak (./benchSoak.ts), with `--torch`
 * the lab's training speed next to PyTorch's (./benchTorch.ts), with `--backend …` the training benchmark (./benchTrain.ts),
 * with `--decode` the browser decode benchmark (./benchDecode.ts); otherwise the pure core suite
 * (./benchMetrics.ts). Output: one JSON line per figure on stdout.
 */
import { UsageError } from './args.ts';
import { run as runMetricsBench } from './benchMetrics.ts';

async function main(argv: string[]): Promise<number> {
  // Loaded only when asked for: tfjs, Vite and Chromium cost nothing to the core suite.
  if (argv.includes('--soak')) return (await import('./benchSoak.ts')).run(argv);
  if (argv.includes('--torch')) return (await import('./benchTorch.ts')).run(argv);
  if (argv.includes('--backend')) return (await import('./benchTrain.ts')).run(argv);
  if (argv.includes('--decode')) return (await import('./benchDecode.ts')).run(argv);
  return runMetricsBench(argv);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 2;
}
