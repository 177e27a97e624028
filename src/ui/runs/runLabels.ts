/**
 * The labels the page shows for runs (legends, the runs table). Many runs share a base label ("tiny · Softmax" for
 * every custom micro run), so each gets its number and, among the runs of the same base label, the settings in
 * which it differs from them: "#3 tiny · Softmax · s 16 · lr 0.01". A name the user gave wins over all of that.
 * Pure functions, no DOM.
 */
import type { RunRecord } from './runRecord.ts';
import { lossSummary } from './exportRuns.ts';

/** One setting that can tell runs apart, as it reads in a label. */
interface Setting {
  text: (run: RunRecord) => string;
}

/** A number without float noise ("0.01", not "0.010000000000000002"). */
const num = (value: number) => String(Number(value.toPrecision(6)));

/**
 * The settings a label may add, in the order they are written. Loss settings come as lossSummary's text, which
 * holds the loss's own parameters (α, m…); everything else in the config that changes results is here too.
 */
const SETTINGS: readonly Setting[] = [
  { text: (r) => (r.config.model.pretrained === 'imagenet' ? `${r.config.model.backbone} (ImageNet)` : r.config.model.backbone) },
  { text: (r) => `${r.config.model.inputSize} px` },
  { text: (r) => (r.config.model.width === undefined ? 'default width' : `width ${r.config.model.width}`) },
  { text: (r) => `${r.config.model.embeddingDim}-d` },
  { text: (r) => (r.config.model.embeddingNorm === 'batchnorm' ? 'embedding BN' : 'no embedding BN') },
  { text: (r) => lossSummary(r.config.loss) },
  { text: (r) => (r.config.loss.fallback === false ? 'no fallback' : 'fallback') },
  { text: (r) => `s ${num(r.config.loss.scale)}` },
  { text: (r) => r.config.optimizer.kind },
  { text: (r) => `lr ${num(r.config.optimizer.lr)}` },
  { text: (r) => `momentum ${num(r.config.optimizer.momentum)}` },
  { text: (r) => `wd ${num(r.config.optimizer.weightDecay)}` },
  { text: (r) => `${r.config.optimizer.schedule.kind} lr` },
  { text: (r) => `batch ${r.config.batchSize}` },
  { text: (r) => `${r.config.steps} steps` },
  { text: (r) => `warm-up ${r.config.marginWarmupSteps}` },
  { text: (r) => (r.config.flipAugment ? 'flip' : 'no flip') },
  { text: (r) => `seed ${r.config.seed}` },
  { text: (r) => r.dataLabel },
];

/** Start time then id: the order runs were started in. */
const byStart = (a: RunRecord, b: RunRecord) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Each run's number: its stored one, else (a live run not stored yet, a record from before numbers) the next ones
 * after the highest stored, in start order — the number useRuns will store for a live run, as no other run can be
 * stored while one trains.
 */
export function runNumbers(runs: readonly RunRecord[]): Map<string, number> {
  const numbers = new Map<string, number>();
  let next = 0;
  for (const run of runs) if (run.number !== undefined) next = Math.max(next, run.number);
  for (const run of runs) if (run.number !== undefined) numbers.set(run.id, run.number);
  for (const run of [...runs].filter((r) => r.number === undefined).sort(byStart)) numbers.set(run.id, ++next);
  return numbers;
}

/** The generated label of each run, ignoring names: number, base label and the settings that differ within its group. */
export function generatedLabels(runs: readonly RunRecord[]): Map<string, string> {
  const numbers = runNumbers(runs);
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) groups.set(run.label, [...(groups.get(run.label) ?? []), run]);
  const labels = new Map<string, string>();
  for (const group of groups.values()) {
    // Only what varies inside the group: a setting every run of the group shares tells none of them apart.
    const differing = SETTINGS.filter((s) => new Set(group.map(s.text)).size > 1);
    for (const run of group) labels.set(run.id, [`#${numbers.get(run.id)} ${run.label}`, ...differing.map((s) => s.text(run))].join(' · '));
  }
  return labels;
}

/** The name the user gave `run`, if any (blank names do not count). */
export function userName(run: RunRecord): string | undefined {
  const name = run.name?.trim();
  return name ? name : undefined;
}

/** The label each run is shown by: the user's name, else its generated label. */
export function runLabels(runs: readonly RunRecord[]): Map<string, string> {
  const generated = generatedLabels(runs);
  return new Map(runs.map((run) => [run.id, userName(run) ?? generated.get(run.id)!]));
}
