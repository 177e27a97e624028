/**
 * Core benchmark suite: evaluateVerification on the report's test size (21,796 pairs) of seeded
 * synthetic scores, and sampleBalancedPairs of the same count from 2,000 identities × 10 images.
 * Each figure: warm-up runs, then timed repeats; one JSON line with the median and 95th percentile.
 */
import { evaluateVerification } from '../core/metrics.ts';
import { sampleBalancedPairs } from '../core/pairs.ts';
import { createRng } from '../core/prng.ts';
import { parseOptions, intOption } from './args.ts';

/** Pairs in the report's test split. */
export const REPORT_TEST_PAIRS = 21_796;

/** Defaults: sizes from the report, repeats enough for a stable median on a shared 2-core machine. */
export const METRICS_BENCH_DEFAULTS = Object.freeze({ pairs: REPORT_TEST_PAIRS, identities: 2_000, imagesPerIdentity: 10, warmup: 3, repeats: 20 });

/** One benchmark figure as printed. */
export interface BenchFigure {
  bench: string;
  pairs: number;
  repeats: number;
  medianMs: number;
  p95Ms: number;
  [extra: string]: number | string;
}

/** Median and nearest-rank 95th percentile of durations in ms, rounded to µs. */
function summarize(durations: number[]): { medianMs: number; p95Ms: number } {
  const sorted = [...durations].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { medianMs: round(median), p95Ms: round(p95) };
}

function time(task: () => unknown, warmup: number, repeats: number): { medianMs: number; p95Ms: number } {
  for (let i = 0; i < warmup; i++) task();
  const durations: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    task();
    durations.push(performance.now() - start);
  }
  return summarize(durations);
}

/** Seeded two-Gaussian cosine scores: positives N(0.6, 0.15), negatives N(0.1, 0.15), clamped to [-1, 1]. */
export function syntheticScores(pairs: number, seed: number): { labels: Uint8Array; scores: Float64Array } {
  const rng = createRng(seed);
  const labels = new Uint8Array(pairs);
  const scores = new Float64Array(pairs);
  for (let i = 0; i < pairs; i++) {
    labels[i] = i % 2;
    const s = (labels[i] ? 0.6 : 0.1) + 0.15 * rng.normal();
    scores[i] = Math.max(-1, Math.min(1, s));
  }
  return { labels, scores };
}

/** Runs the suite; prints one JSON line per figure; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { json: { type: 'boolean' }, repeats: { type: 'string' }, pairs: { type: 'string' } });
  const d = METRICS_BENCH_DEFAULTS;
  const repeats = values.repeats === undefined ? d.repeats : intOption(values.repeats, 'repeats', 1, 10_000);
  const pairs = values.pairs === undefined ? d.pairs : intOption(values.pairs, 'pairs', 2, 10_000_000);
  const figures: BenchFigure[] = [];

  const { labels, scores } = syntheticScores(pairs, 1);
  figures.push({ bench: 'metrics', pairs, repeats, ...time(() => evaluateVerification(labels, scores), d.warmup, repeats) });

  const identities = new Uint32Array(d.identities * d.imagesPerIdentity);
  for (let i = 0; i < identities.length; i++) identities[i] = Math.floor(i / d.imagesPerIdentity);
  let seed = 0;
  const sampling = time(() => sampleBalancedPairs(identities, pairs, seed++), d.warmup, repeats);
  figures.push({ bench: 'samplePairs', pairs, repeats, identities: d.identities, images: identities.length, ...sampling });

  for (const figure of figures) process.stdout.write(`${JSON.stringify(figure)}\n`);
  return 0;
}
