/**
 * The table logic of "Reproduce the report": which stored runs stand for each sweep preset, and the findings
 * checklist that src/core/findings.ts computes from them. Pure (runs in, rows out) so every verdict can be
 * tested from constructed run records; nothing here decides a verdict, evaluateFindings does.
 */
import { evaluateFindings, FINDING_DEFINITIONS, summarizeRun, SWEEP_PRESET_IDS, type FindingId, type SweepRunSummary } from '../../core/findings.ts';
import { findPreset, presetConfig, type ExperimentPreset } from '../../core/presets.ts';
import { summarizeSeeds, type SeedsSummary } from '../../core/seedSummary.ts';
import { BUILTIN_LABEL, builtinDataLabel } from '../data/presetData.ts';
import type { RunRecord } from '../runs/runRecord.ts';

/** The preset of each id in `ids`; a missing one is a programming error (the ids are core's own constants). */
function presetsOf(ids: readonly string[]): readonly ExperimentPreset[] {
  return Object.freeze(
    ids.map((id) => {
      const preset = findPreset(id);
      if (!preset) throw new Error(`sweep preset '${id}' is not a known preset`);
      return preset;
    }),
  );
}

/** The five losses at the Quick demo scale (DEMO_SWEEP), in the report's order. */
export const REPORT_SWEEP: readonly ExperimentPreset[] = presetsOf(SWEEP_PRESET_IDS.report);
/** "Same domain" and "Other domain" (DOMAIN_PRESETS). */
export const DOMAIN_SWEEP: readonly ExperimentPreset[] = presetsOf(SWEEP_PRESET_IDS.domain);

/**
 * What "Reproduce the report" trains: the five losses, then the two domain presets. With the user's folders
 * loaded only the five: the domain finding compares the built-in populations, which folders would replace.
 */
export function reproducePresets(foldersLoaded: boolean): readonly ExperimentPreset[] {
  return foldersLoaded ? REPORT_SWEEP : [...REPORT_SWEEP, ...DOMAIN_SWEEP];
}

/** A finding's verdict as the table shows it. */
export type Verdict = 'holds' | 'failed' | 'not-run';

/** The verdict cell's text. */
export const VERDICT_TEXT: Readonly<Record<Verdict, string>> = Object.freeze({ holds: '✔ holds', failed: '✘ did not hold', 'not-run': 'not run yet' });

/** One row of the findings checklist. */
export interface FindingRow {
  id: FindingId;
  title: string;
  /** What the report saw. */
  report: string;
  /** What this sweep measured (the finding's detail), or which runs it still needs. */
  measured: string;
  verdict: Verdict;
}

/** The checklist, the runs its verdicts come from (in sweep order) and what makes those runs hard to compare. */
export interface FindingsTable {
  rows: FindingRow[];
  sources: RunRecord[];
  notes: string[];
}

const startedMs = (run: RunRecord): number => {
  const ms = Date.parse(run.startedAt);
  return Number.isFinite(ms) ? ms : -Infinity;
};

/** JSON with sorted keys, so two configs compare equal whatever order their fields were stored in. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/**
 * Whether `run` trained with its preset's settings (the seed aside: the seed note covers it). A run keeps its
 * preset id from a shared link even when the link's settings differ, and presets may be retuned after a run.
 */
function hasPresetSettings(run: RunRecord): boolean {
  const preset = findPreset(run.presetId ?? '');
  return !preset || stableJson({ ...presetConfig(preset.id), seed: 0 }) === stableJson({ ...run.config, seed: 0 });
}

/**
 * Whether `run` can stand for `preset`: started from it with its settings (the seed aside), completed (a stopped
 * run did not train its steps), with a final evaluation and step history, and unchanged mid-run (a live change makes
 * its results not the preset's). A preset with its own built-in data also needs the run to have trained on that
 * data, not on loaded folders. A run that fails any of these never gets a verdict: the report's findings are about
 * these settings, not about whatever a link or a retuned preset trained.
 */
function standsFor(run: RunRecord, preset: ExperimentPreset): boolean {
  if (run.presetId !== preset.id || run.status !== 'completed' || !run.lastEval || run.changedMidRun) return false;
  if (!hasPresetSettings(run)) return false;
  if (run.history.loss.length === 0 || run.history.accuracy.length !== run.history.loss.length) return false;
  return !preset.data || run.dataLabel === builtinDataLabel(preset.data);
}

/** The newest run (by start time) standing for each sweep preset, keyed by preset id, in sweep order. */
export function chosenSweepRuns(runs: readonly RunRecord[]): Map<string, RunRecord> {
  const chosen = new Map<string, RunRecord>();
  for (const preset of reproducePresets(false)) {
    let best: RunRecord | undefined;
    for (const run of runs) if (standsFor(run, preset) && (!best || startedMs(run) > startedMs(best))) best = run;
    if (best) chosen.set(preset.id, best);
  }
  return chosen;
}

/**
 * chosenSweepRuns per seed, over the runs on the data the loss runs train on now: `lossDataLabel`, the loaded
 * folders' label, or the built-in faces when absent (the domain runs always train on their own populations). Seeds
 * must not mix data: a folder run and a built-in run of the same loss measure different things.
 */
export function chosenRunsBySeed(runs: readonly RunRecord[], lossDataLabel = BUILTIN_LABEL): Map<number, Map<string, RunRecord>> {
  const bySeed = new Map<number, RunRecord[]>();
  for (const run of runs) {
    if (SWEEP_PRESET_IDS.report.includes(run.presetId ?? '') && run.dataLabel !== lossDataLabel) continue;
    const ofSeed = bySeed.get(run.config.seed) ?? [];
    ofSeed.push(run);
    bySeed.set(run.config.seed, ofSeed);
  }
  const chosen = new Map<number, Map<string, RunRecord>>();
  for (const [seed, list] of bySeed) {
    const ofSeed = chosenSweepRuns(list);
    if (ofSeed.size > 0) chosen.set(seed, ofSeed);
  }
  return chosen;
}

/** The most seeds one press trains: ten sweeps of seven runs took 45 min on two cores (README: "Reproducing the report"). */
export const MAX_REPRODUCE_SEEDS = 10;

/** The "Seeds" field's count: a whole number from 1 to MAX_REPRODUCE_SEEDS, or undefined for anything else. */
export function parseSeedCount(text: string): number | undefined {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= MAX_REPRODUCE_SEEDS ? n : undefined;
}

/** The seeds "Reproduce the report" trains when asked for `count` of them: 1 to count. */
export const seedsUpTo = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);

/**
 * What training `presets` at each of `seeds` still needs: each preset with that seed (labelled with it), less those
 * a kept run on the same data (chosenRunsBySeed) already stands for at that seed. Runs are deterministic for a seed,
 * so training one again would only repeat its numbers.
 */
export function presetsForSeeds(presets: readonly ExperimentPreset[], seeds: readonly number[], runs: readonly RunRecord[], lossDataLabel?: string): ExperimentPreset[] {
  const done = chosenRunsBySeed(runs, lossDataLabel);
  return seeds.flatMap((seed) =>
    presets.filter((preset) => !done.get(seed)?.has(preset.id)).map((preset) => ({ ...preset, name: `${preset.name} · seed ${seed}`, config: { ...preset.config, seed } })),
  );
}

/**
 * The sweep over seeds of the runs the lab keeps on the data of chosenRunsBySeed (src/core/seedSummary.ts), once
 * some finding was checked on two seeds or more: before that there is no spread to show.
 */
export function seedsTable(runs: readonly RunRecord[], lossDataLabel?: string): SeedsSummary | undefined {
  const bySeed = chosenRunsBySeed(runs, lossDataLabel);
  if (bySeed.size < 2) return undefined;
  const summary = summarizeSeeds([...bySeed].map(([seed, chosen]) => ({ seed, runs: [...chosen.values()].map(summaryOf) })));
  return summary.findings.some((f) => f.checked >= 2) ? summary : undefined;
}

/** A completed run as core's findings read it: final AUC/EER, per-step loss and accuracy, the collapse warning. */
export function summaryOf(run: RunRecord): SweepRunSummary {
  const metrics = run.lastEval!.metrics;
  return summarizeRun({
    preset: run.presetId ?? run.id,
    loss: run.config.loss.kind,
    batchSize: run.config.batchSize,
    losses: run.history.loss,
    accuracy: run.history.accuracy,
    auc: metrics.auc,
    eer: metrics.eer,
    collapsed: run.warnings.some((w) => w.code === 'collapse'),
    seconds: run.seconds,
    ...(run.classes === undefined ? {} : { classes: run.classes }),
  });
}

/** Runs grouped by a key, as "value (label, label)" phrases, when more than one value occurs. */
function spread(runs: readonly RunRecord[], key: (run: RunRecord) => string): string[] {
  const groups = new Map<string, string[]>();
  for (const run of runs) groups.set(key(run), [...(groups.get(key(run)) ?? []), run.label]);
  return groups.size > 1 ? [...groups].map(([value, labels]) => `${value} (${labels.join(', ')})`) : [];
}

/** What differs between the chosen runs beyond what the sweep varies on purpose. */
function comparabilityNotes(sources: readonly RunRecord[]): string[] {
  const notes: string[] = [];
  const seeds = spread(sources, (r) => `seed ${r.config.seed}`);
  if (seeds.length) notes.push(`These runs used different seeds: ${seeds.join('; ')}. Part of any gap between them is seed-to-seed spread.`);
  // The five losses should share their data; the domain pair differs in training data by design.
  const lossRuns = sources.filter((r) => SWEEP_PRESET_IDS.report.includes(r.presetId ?? ''));
  const data = spread(lossRuns, (r) => r.dataLabel);
  if (data.length) notes.push(`The loss runs trained on different data: ${data.join('; ')}. Their AUCs are not measured on the same test pairs.`);
  return notes;
}

/** The findings checklist over `runs` (every run the lab keeps; the table picks its own). */
export function findingsTable(runs: readonly RunRecord[]): FindingsTable {
  const chosen = chosenSweepRuns(runs);
  const sources = [...chosen.values()];
  const findings = new Map(evaluateFindings(sources.map(summaryOf)).map((f) => [f.id, f]));
  const rows = FINDING_DEFINITIONS.map((definition): FindingRow => {
    const finding = findings.get(definition.id);
    if (finding) return { id: definition.id, title: definition.title, report: definition.report, measured: finding.detail, verdict: finding.holds ? 'holds' : 'failed' };
    const missing = definition.presets.filter((id) => !chosen.has(id)).map((id) => findPreset(id)?.name ?? id);
    const where = definition.set === 'domain' ? ' on the built-in faces' : '';
    return { id: definition.id, title: definition.title, report: definition.report, measured: `Needs a finished run of ${missing.join(', ')}${where}.`, verdict: 'not-run' };
  });
  return { rows, sources, notes: comparabilityNotes(sources) };
}
