/**
 * A training run as the UI keeps it: what was trained, how it went, and its latest evaluation.
 * Stored whole in IndexedDB (structured clone keeps the Float32Arrays), so runs survive a reload.
 */
import type { AngleStats, BackendName, EvalEvent, LiveChangeEvent, StepPoints, TrainConfig } from '../../protocol/api.ts';

/** Where a run stands. */
export type RunStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'diverged' | 'error';

/** One evaluation's summary numbers, at the step it was taken. */
export interface RunEval {
  step: number;
  metrics: EvalEvent['metrics'];
  /** Angle statistics of that evaluation (runs recorded before they existed have none). */
  angleStats?: AngleStats;
}

/** A change of margin, α or learning rate made while the run trained (from `step` on). */
export type RunLiveChange = Pick<LiveChangeEvent, 'step' | 'params' | 'loss' | 'lr'>;

/**
 * A run cut off and resumed from its last checkpoint (its worker died, the GPU device was lost, the page was
 * reloaded): the steps from `resumedFrom` to `atStep` were trained twice, and the first time's points are gone.
 */
export interface RunInterruption {
  /** The last step shown before the run was cut off. */
  atStep: number;
  /** The checkpoint's step the run went on from. */
  resumedFrom: number;
  /** What cut it off, in words. */
  reason: string;
}

/** A warning the engine raised (e.g. collapse at a 60° margin), kept with the run. */
export interface RunWarning {
  step: number;
  code: string;
  message: string;
}

/** A run: config, per-step history, evaluations and the latest ROC/histogram for the plots. */
export interface RunRecord {
  /** The engine's run id. */
  id: string;
  /**
   * Base name: the preset's, or a short description of the config. Lesson mode finds its runs by it, so it never
   * changes; what the page shows is runLabels' label (the user's `name`, or number, base and differing settings).
   */
  label: string;
  /**
   * The run's number in this browser (1 = first run), given when the run is first stored (useRuns). Absent on a
   * live run not yet stored and on runs recorded before numbers existed (runLabels numbers those after the rest).
   */
  number?: number;
  /** The name the user gave the run in the runs table, if any: shown instead of the generated label. */
  name?: string;
  /**
   * The preset the run was started from, when its settings were that preset's (absent for custom settings and
   * for runs recorded before presets were kept): "Reproduce the report" finds its runs by it.
   */
  presetId?: string;
  /** K, the identities it trained on (chance accuracy is 1/K); absent for runs recorded before it was kept. */
  classes?: number;
  config: TrainConfig;
  /** Short description of the data, e.g. "built-in synthetic faces" or a folder name. */
  dataLabel: string;
  backend: BackendName;
  /** ISO time the run started. */
  startedAt: string;
  /** Training wall time so far, seconds. */
  seconds: number;
  status: RunStatus;
  /** Steps done. */
  step: number;
  /** Every step point, one Float32Array per column (same length in each). */
  history: StepPoints;
  evals: RunEval[];
  /** The latest evaluation in full, for the ROC curve and angle histogram. */
  lastEval?: Pick<EvalEvent, 'step' | 'metrics' | 'roc' | 'angles' | 'angleStats' | 'geometry'>;
  /** Live changes in step order; `config` stays what the run started with. */
  liveChanges?: RunLiveChange[];
  /** True once a value was changed mid-run: its results are not those of `config` alone. */
  changedMidRun?: boolean;
  /** Every time the run was cut off and resumed from a checkpoint, in order (the loss curve marks each). */
  interruptions?: RunInterruption[];
  warnings: RunWarning[];
  /** Set when the run ended with an error or divergence: what happened. */
  message?: string;
  /**
   * A model trained elsewhere and only evaluated here (the built-in reference's baseline): what it is, in words. Its
   * `config` then only fills the record's shape, so the runs table shows this instead.
   */
  pretrained?: string;
}
