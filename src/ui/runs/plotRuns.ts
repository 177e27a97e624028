/**
 * Which runs the figures draw, under which labels. Pure: App calls it with its state, tests call it directly.
 */
import type { RunRecord } from './runRecord.ts';
import { runLabels } from './runLabels.ts';

/** What decides the plotted runs. */
export interface PlotRunsInput {
  /** Every stored run (the runs table's list). */
  runs: readonly RunRecord[];
  /** Ids ticked "Show on plots". */
  selected: ReadonlySet<string>;
  /** The training hook's run, in its latest state: the one training now, or the last one trained. */
  live?: RunRecord;
  /** True while `live` trains (any phase but idle). */
  training: boolean;
}

/** The plotted runs, each under the label the page shows for it. */
export interface PlotRuns {
  /** The ticked runs (the live one first, in its latest state): the ROC curve and the angle histogram. */
  shownRuns: RunRecord[];
  /**
   * `shownRuns`, led by the live run while it trains even when it is not ticked (it is not stored before its first
   * evaluation, and the loss curve follows it regardless): the loss curve and the single-run teaching figures.
   */
  leadRuns: RunRecord[];
}

// Relabelled copies, reused while a record and its label stay the same, so figures keyed on records keep their cache.
const relabelled = new WeakMap<RunRecord, RunRecord>();

function withLabel(run: RunRecord, label: string): RunRecord {
  if (run.label === label) return run;
  const cached = relabelled.get(run);
  if (cached?.label === label) return cached;
  const copy = { ...run, label };
  relabelled.set(run, copy);
  return copy;
}

/**
 * The runs to plot. A run is drawn while its box is ticked, and only then once it is no longer training: a finished
 * run the user unticked leaves the plots at once, even when it was the last one trained.
 */
export function plotRuns({ runs, selected, live, training }: PlotRunsInput): PlotRuns {
  const stored = live && runs.find((r) => r.id === live.id);
  // The live record comes from the training, which knows nothing of the number and name the page gave the run.
  const current = live && (stored ? { ...live, number: stored.number, name: stored.name } : live);
  const all = current ? [current, ...runs.filter((r) => r.id !== current.id)] : runs;
  const labels = runLabels(all);
  const label = (r: RunRecord) => withLabel(r, labels.get(r.id)!);
  const ticked = all.filter((r) => selected.has(r.id)).map(label);
  const leader = current && training && !selected.has(current.id) ? [label(current)] : [];
  return { shownRuns: ticked, leadRuns: [...leader, ...ticked] };
}
