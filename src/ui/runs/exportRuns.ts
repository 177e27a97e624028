/**
 * Runs as files, and the short texts the runs table shows: pure functions, no DOM (the UI saves the strings).
 * CSV: one row per run, identity (number, name, preset), config columns then the final evaluation (RFC 4180: CRLF
 * line ends, fields with commas, quotes or line breaks quoted, quotes doubled); columns added later are appended
 * at the end so readers that index columns keep working. JSON: config, evaluations and final metrics; the
 * per-step history and the last ROC/histogram only when asked, as plain number arrays.
 *
 * TAR@FAR follows the runs table's rule (src/core/farResolution.ts): a TAR whose evaluation had fewer than 1/FAR
 * negative pairs is an empty CSV field and a JSON null, as the figure would be the TAR at zero false accepts.
 */
import { farResolvable, resolvedTar } from '../../core/farResolution.ts';
import { LOSS_PARAMETER_DEFAULTS, type LossConfig } from '../../core/lossConfig.ts';
import type { EvalMetrics, StepPoints, TrainConfig } from '../../protocol/api.ts';
import { STEP_COLUMN_NAMES } from './applyEvent.ts';
import type { RunRecord } from './runRecord.ts';
import { latestAngleStats } from '../teach/teachTraces.ts';

/** The FAR of the table's TAR column (the key of EvalMetrics.tarAtFar: String(1e-3)). */
export const TABLE_TAR_FAR = '0.001';

/** The run's latest evaluation (lastEval, or the last of evals when that is newer), if it has one. */
export function finalEval(run: RunRecord): { step: number; metrics: EvalMetrics } | undefined {
  const last = run.evals.length > 0 ? run.evals[run.evals.length - 1] : undefined;
  if (run.lastEval && (!last || run.lastEval.step >= last.step)) return { step: run.lastEval.step, metrics: run.lastEval.metrics };
  return last;
}

/** A number with at most `digits` decimals and no trailing zeros ("0.35", "28.65", "64"). */
function short(value: number, digits = 2): string {
  return String(Number(value.toFixed(digits)));
}

/** The loss in a few words: "Softmax", "Softmax + Intra α=1", "ArcFace m=30°", "CosFace m=0.35", "Combined …". */
export function lossSummary(loss: LossConfig): string {
  const d = LOSS_PARAMETER_DEFAULTS;
  switch (loss.kind) {
    case 'softmax':
      return 'Softmax';
    case 'intra':
      return `Softmax + Intra α=${short(loss.alpha ?? d.intraAlpha)}`;
    case 'arcface':
      return `ArcFace m=${short(loss.marginDeg ?? d.arcfaceMarginDeg, 1)}°`;
    case 'cosface':
      return `CosFace m=${short(loss.cosineMargin ?? d.cosfaceMargin)}`;
    case 'combined':
      return `Combined m1=${short(loss.angleFactor ?? d.combinedAngleFactor)} m2=${short(loss.marginDeg ?? d.combinedMarginDeg, 1)}° m3=${short(loss.cosineMargin ?? d.combinedCosineMargin)}`;
  }
}

/** The config in one line: "resnet50 (ImageNet) · ArcFace m=30° · s=64 · lr 0.01 · batch 32 · 3000 steps". */
export function configSummary(config: TrainConfig): string {
  const backbone = config.model.pretrained === 'imagenet' ? `${config.model.backbone} (ImageNet)` : config.model.backbone;
  return [backbone, lossSummary(config.loss), `s=${short(config.loss.scale)}`, `lr ${config.optimizer.lr}`, `batch ${config.batchSize}`, `${config.steps} steps`].join(' · ');
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
export function csvField(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** TAR keys present in any run's final metrics, loosest FAR first ('0.1', '0.01', '0.001', …). */
function tarKeys(runs: readonly RunRecord[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(finalEval(run)?.metrics.tarAtFar ?? {})) keys.add(key);
  return [...keys].sort((a, b) => Number(b) - Number(a));
}

type CsvValue = string | number | boolean | undefined;

/** The final TAR at FAR key `far`, or undefined when the evaluation's negatives cannot resolve it. */
function tarOf(run: RunRecord, far: string): number | undefined {
  const metrics = finalEval(run)?.metrics;
  return metrics ? resolvedTar(metrics, far).value : undefined;
}

/** `metrics` with every TAR its negatives cannot resolve set to null (JSON's "no value"). */
function exportedMetrics(metrics: EvalMetrics): Omit<EvalMetrics, 'tarAtFar'> & { tarAtFar: Record<string, number | null> } {
  const tarAtFar = Object.fromEntries(Object.entries(metrics.tarAtFar).map(([far, tar]) => [far, farResolvable(metrics.negatives, Number(far)) ? tar : null]));
  return { ...metrics, tarAtFar };
}

/** What the JSON's `notes` say about its figures. */
export const RUNS_JSON_NOTES = Object.freeze({
  tarAtFar:
    'null where the evaluation had fewer than 1/FAR negative pairs (metrics.negatives × FAR < 1): no false accept fits under that FAR, so the figure would be the TAR at zero false accepts',
  history: 'per-step training columns (StepPoints), one array each, index i = the i-th recorded step',
});

/**
 * Wall time to 0.1 s: the engine's per-segment seconds add up with float noise (89.43739999999991), and a tenth of
 * a second is all a training time can claim.
 */
export function roundSeconds(seconds: number): number {
  return Number.isFinite(seconds) ? Math.round(seconds * 10) / 10 : seconds;
}

/**
 * One row per run: identity, every setting of the config that changes results, final evaluation, warnings.
 * Metrics keep full precision; wall time is rounded (roundSeconds).
 */
export function runsToCsv(runs: readonly RunRecord[]): string {
  const tars = tarKeys(runs);
  const columns: [string, (run: RunRecord) => CsvValue][] = [
    ['id', (r) => r.id],
    ['number', (r) => r.number],
    ['label', (r) => r.label],
    ['name', (r) => r.name],
    ['preset_id', (r) => r.presetId],
    ['data', (r) => r.dataLabel],
    ['backend', (r) => r.backend],
    ['started_at', (r) => r.startedAt],
    ['status', (r) => r.status],
    ['steps_done', (r) => r.step],
    ['seconds', (r) => roundSeconds(r.seconds)],
    ['backbone', (r) => r.config.model.backbone],
    ['pretrained', (r) => r.config.model.pretrained],
    ['width', (r) => r.config.model.width],
    ['input_size', (r) => r.config.model.inputSize],
    ['embedding_dim', (r) => r.config.model.embeddingDim],
    ['embedding_norm', (r) => r.config.model.embeddingNorm ?? 'none'],
    ['l2', (r) => r.config.model.l2],
    ['loss', (r) => r.config.loss.kind],
    ['scale', (r) => r.config.loss.scale],
    ['alpha', (r) => r.config.loss.alpha],
    ['margin_deg', (r) => r.config.loss.marginDeg],
    ['cosine_margin', (r) => r.config.loss.cosineMargin],
    ['angle_factor', (r) => r.config.loss.angleFactor],
    ['fallback', (r) => r.config.loss.fallback],
    ['margin_warmup_steps', (r) => r.config.marginWarmupSteps],
    ['optimizer', (r) => r.config.optimizer.kind],
    ['lr', (r) => r.config.optimizer.lr],
    ['momentum', (r) => r.config.optimizer.momentum],
    ['weight_decay', (r) => r.config.optimizer.weightDecay],
    ['schedule', (r) => r.config.optimizer.schedule.kind],
    ['batch_size', (r) => r.config.batchSize],
    ['steps', (r) => r.config.steps],
    ['flip_augment', (r) => r.config.flipAugment],
    ['flip_eval', (r) => r.config.flipEval],
    ['eval_every', (r) => r.config.evalEvery],
    ['eval_pairs', (r) => r.config.evalPairs],
    ['seed', (r) => r.config.seed],
    ['eval_step', (r) => finalEval(r)?.step],
    ['auc', (r) => finalEval(r)?.metrics.auc],
    ['eer', (r) => finalEval(r)?.metrics.eer],
    ...tars.map((far): [string, (run: RunRecord) => CsvValue] => [`tar_at_far_${far}`, (r) => tarOf(r, far)]),
    ['best_accuracy', (r) => finalEval(r)?.metrics.bestAccuracy],
    ['best_threshold', (r) => finalEval(r)?.metrics.bestThreshold],
    ['ten_fold_mean', (r) => finalEval(r)?.metrics.tenFoldMean],
    ['ten_fold_std', (r) => finalEval(r)?.metrics.tenFoldStd],
    ['warnings', (r) => r.warnings.map((w) => `step ${w.step} ${w.code}: ${w.message}`).join('; ')],
    ['message', (r) => r.message],
    // Appended (see the module comment): the evaluation's negative pairs (why a TAR field may be empty) and the
    // runs table's Intra and Inter angles.
    ['negative_pairs', (r) => finalEval(r)?.metrics.negatives],
    ['intra_mean_deg', (r) => latestAngleStats(r)?.intraMeanDeg],
    ['inter_mean_deg', (r) => latestAngleStats(r)?.interMeanDeg],
  ];
  const lines = [columns.map(([name]) => name), ...runs.map((run) => columns.map(([, get]) => get(run)))];
  return lines.map((cells) => cells.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** What runsToJson adds beyond config, evaluations and final metrics. */
export interface RunsJsonOptions {
  /** Every step point, as one number array per StepPoints column. */
  includeHistory?: boolean;
  /** The last evaluation's ROC curve and angle histograms, as number arrays. */
  includeCurves?: boolean;
}

const plain = (array: Float32Array): number[] => Array.from(array);

/**
 * `{ "format": "margin-lab-runs", "version": 1, "runs": [...] }`, pretty-printed. Non-finite numbers (a diverged
 * loss, the ROC's +Infinity threshold) become null, as JSON has no other spelling for them.
 */
export function runsToJson(runs: readonly RunRecord[], options: RunsJsonOptions = {}): string {
  const out = runs.map((run) => {
    const final = finalEval(run);
    const entry: Record<string, unknown> = {
      id: run.id,
      ...(run.number === undefined ? {} : { number: run.number }),
      label: run.label,
      ...(run.name === undefined ? {} : { name: run.name }),
      ...(run.presetId === undefined ? {} : { presetId: run.presetId }),
      dataLabel: run.dataLabel,
      backend: run.backend,
      startedAt: run.startedAt,
      seconds: roundSeconds(run.seconds),
      status: run.status,
      step: run.step,
      config: run.config,
      evals: run.evals.map((e) => ({ ...e, metrics: exportedMetrics(e.metrics) })),
      final: final ? { ...final, metrics: exportedMetrics(final.metrics) } : null,
      warnings: run.warnings,
    };
    if (run.message !== undefined) entry.message = run.message;
    if (options.includeHistory) {
      entry.history = Object.fromEntries(Object.entries(run.history).map(([name, column]) => [name, plain(column)])) as Record<keyof StepPoints, number[]>;
    }
    if (options.includeCurves && run.lastEval) {
      const { step, roc, angles } = run.lastEval;
      entry.curves = {
        step,
        roc: { fpr: plain(roc.fpr), tpr: plain(roc.tpr), thresholds: plain(roc.thresholds) },
        angles: { binDeg: angles.binDeg, positives: plain(angles.positives), negatives: plain(angles.negatives) },
      };
    }
    return entry;
  });
  const notes = options.includeHistory ? RUNS_JSON_NOTES : { tarAtFar: RUNS_JSON_NOTES.tarAtFar };
  return `${JSON.stringify({ format: 'margin-lab-runs', version: 1, notes, runs: out }, null, 2)}\n`;
}

/** "crossEntropy" → "cross_entropy": CSV headers in the metrics CSV's snake case. */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The shortest decimal that reads back as the same float32 (history columns are float32: 0.1 would otherwise
 * print as 0.10000000149011612); non-finite values (a diverged loss) as an empty field, as spreadsheets read it.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return '';
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(value);
}

/**
 * The loss curves as one long-format CSV a spreadsheet can filter or pivot: one row per run and recorded step,
 * `run_id,run_number,run_label,` then every step column (step, loss, cross_entropy, …, images_per_sec) in the
 * engine's order. Runs without steps add no rows.
 */
export function lossCurvesToCsv(runs: readonly RunRecord[]): string {
  const lines = [['run_id', 'run_number', 'run_label', ...STEP_COLUMN_NAMES.map(snake)].join(',')];
  for (const run of runs) {
    const identity = [run.id, run.number, run.name ?? run.label].map(csvField).join(',');
    const columns = STEP_COLUMN_NAMES.map((name) => run.history[name]);
    for (let i = 0; i < run.history.step.length; i++) lines.push(`${identity},${columns.map((column) => float32Text(column[i])).join(',')}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}
