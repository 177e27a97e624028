/**
 * The report's sweep over several seeds: which findings held on how many seeds, and the mean ± sd of each AUC and
 * of the gaps the findings read. One seed's checklist says what that seed measured; whether a finding is the
 * report's or luck shows only over seeds (the issue asks for at least five). `lab sweep-summary` prints this for
 * `lab sweep` outputs, and "Reproduce the report" shows it for the runs the lab keeps.
 */
import { evaluateFindings, FINDING_DEFINITIONS, signedGap, SWEEP_PRESET_IDS, type Finding, type FindingId, type SweepRunSummary } from './findings.ts';

/** The runs one seed trained (the report set, the domain set, or both). */
export interface SeedRuns {
  seed: number;
  runs: readonly SweepRunSummary[];
}

/** Mean and sample standard deviation of one number over the seeds that measured it. */
export interface Spread {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 when n is 1. */
  sd: number;
  /** How many seeds measured it. */
  n: number;
}

/** An AUC difference the findings read, as `plus − minus`. */
export interface GapDefinition {
  /** Stable id (the JSON key). */
  id: string;
  /** How the lab prints it, e.g. "30° − intra". */
  label: string;
  plus: string;
  minus: string;
}

/** The gaps of findings 1, 2, 4 and 5, in the report's order. */
export const SEED_GAPS: readonly GapDefinition[] = Object.freeze([
  { id: 'margin30-intra', label: '30° − intra', plus: 'quick-margin-30', minus: 'quick-softmax-intra' },
  { id: 'intra-softmax', label: 'intra − softmax', plus: 'quick-softmax-intra', minus: 'quick-softmax' },
  { id: 'margin30-softmax', label: '30° − softmax', plus: 'quick-margin-30', minus: 'quick-softmax' },
  { id: 'margin45-margin30', label: '45° − 30°', plus: 'quick-margin-45', minus: 'quick-margin-30' },
  { id: 'same-other', label: 'same − other domain', plus: 'domain-same', minus: 'domain-other' },
] as const);

/** How one finding fared over the seeds that could check it. */
export interface FindingTally {
  id: FindingId;
  title: string;
  /** Seeds on which it held, and on which it was checked (the seeds that had its runs). */
  held: number;
  checked: number;
  /** The seeds on which it did not hold, ascending. */
  failedSeeds: number[];
}

/** The sweep over seeds: per-seed findings, spreads of the AUCs and gaps, and how often each finding held. */
export interface SeedsSummary {
  /** The seeds, ascending. */
  seeds: number[];
  /** Each seed's runs (in sweep order) and checklist, in seed order. */
  perSeed: { seed: number; runs: SweepRunSummary[]; findings: Finding[] }[];
  /** AUC of each preset that some seed ran, in sweep order. */
  aucs: ({ preset: string } & Spread)[];
  /** Training accuracy of each preset that some seed ran, in sweep order. */
  trainAccuracies: ({ preset: string } & Spread)[];
  /** Each gap that some seed could compute. */
  gaps: (GapDefinition & Spread)[];
  /** Each finding that some seed checked, in the report's order. */
  findings: FindingTally[];
}

/**
 * Mean and sample sd of `values` (at least one). The sample sd (n − 1) because the seeds are a sample of the seeds a
 * user might try; the 10-fold accuracy of src/core/metrics.ts keeps LFW's population sd (n) instead.
 */
export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

const SWEEP_ORDER: readonly string[] = [...SWEEP_PRESET_IDS.report, ...SWEEP_PRESET_IDS.domain];

/** A preset's place in sweep order; a preset the sweeps do not know (a newer lab's output) goes last. */
function sweepRank(preset: string): number {
  const rank = SWEEP_ORDER.indexOf(preset);
  return rank < 0 ? SWEEP_ORDER.length : rank;
}

/**
 * The summary of `sweeps`. Entries with the same seed are merged (a seed's report and domain sweeps come apart);
 * within a seed a later run of a preset replaces an earlier one, as in evaluateFindings. Throws on no seeds.
 */
export function summarizeSeeds(sweeps: readonly SeedRuns[]): SeedsSummary {
  const bySeed = new Map<number, Map<string, SweepRunSummary>>();
  for (const { seed, runs } of sweeps) {
    const runsOfSeed = bySeed.get(seed) ?? new Map<string, SweepRunSummary>();
    for (const run of runs) runsOfSeed.set(run.preset, run);
    bySeed.set(seed, runsOfSeed);
  }
  if (bySeed.size === 0) throw new Error('no seeds to summarise');
  const seeds = [...bySeed.keys()].sort((a, b) => a - b);
  const runsOf = (seed: number) => bySeed.get(seed)!;

  const presets = SWEEP_ORDER.filter((p) => seeds.some((s) => runsOf(s).has(p)));
  const spreadOver = (value: (runs: Map<string, SweepRunSummary>) => number | undefined): Spread | undefined => {
    const values = seeds.map((s) => value(runsOf(s))).filter((v): v is number => v !== undefined);
    return values.length ? spreadOf(values) : undefined;
  };
  const perPreset = (key: 'auc' | 'trainAccuracy') => presets.map((preset) => ({ preset, ...spreadOver((runs) => runs.get(preset)?.[key])! }));
  const gaps = SEED_GAPS.flatMap((g) => {
    const spread = spreadOver((runs) => {
      const [plus, minus] = [runs.get(g.plus), runs.get(g.minus)];
      return plus && minus ? plus.auc - minus.auc : undefined;
    });
    return spread ? [{ ...g, ...spread }] : [];
  });

  const perSeed = seeds.map((seed) => {
    const runs = [...runsOf(seed).values()].sort((a, b) => sweepRank(a.preset) - sweepRank(b.preset));
    return { seed, runs, findings: evaluateFindings(runs) };
  });
  const findings = FINDING_DEFINITIONS.flatMap((d): FindingTally[] => {
    const verdicts = perSeed.flatMap(({ seed, findings: list }) => list.filter((f) => f.id === d.id).map((f) => ({ seed, holds: f.holds })));
    if (verdicts.length === 0) return [];
    return [{ id: d.id, title: d.title, held: verdicts.filter((v) => v.holds).length, checked: verdicts.length, failedSeeds: verdicts.filter((v) => !v.holds).map((v) => v.seed) }];
  });
  return { seeds, perSeed, aucs: perPreset('auc'), trainAccuracies: perPreset('trainAccuracy'), gaps, findings };
}

/** "+0.0070 ± 0.0021" (a gap) or "0.9560 ± 0.0040" (an AUC): four decimals, as the findings print gaps. */
export function spreadText(spread: Spread, signed = false): string {
  const mean = signed ? signedGap(spread.mean) : spread.mean.toFixed(4);
  return spread.n > 1 ? `${mean} ± ${spread.sd.toFixed(4)}` : mean;
}
