/**
 * The run info (run.json) of a training session's model: config, preprocessing, identity count, and
 * the latest evaluation with its thresholds. Eval events are noted as the engine sends them — before
 * the lab worker transfers their buffers to the page, which detaches them there.
 */
import { thresholdAtFar, VERIFY_FAR } from '../core/verify.ts';
import type { DataSpec } from '../protocol/api.ts';
import type { DecodeOptions } from '../protocol/data.ts';
import type { EvalEvent } from '../protocol/events.ts';
import type { ModelEvaluation, ModelPreprocessing, ModelRunInfo, ModelThresholds } from '../protocol/models.ts';
import { DEFAULT_DECODE_OPTIONS } from './data/images.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './modelIo.ts';
import { PREPROCESSING } from './preprocess.ts';
import type { TrainingSession } from './train/session.ts';

/** What the data said about a model's images. */
export const BUILTIN_LABEL = 'built-in synthetic faces';

/** An evaluation and its thresholds, copied out of an eval event. */
export interface NotedEvaluation {
  evaluation: ModelEvaluation;
  thresholds: ModelThresholds;
}

/** Copies what a saved model keeps from an eval event (call before its buffers are transferred). */
export function noteEvaluation(event: EvalEvent): NotedEvaluation {
  const { metrics } = event;
  return {
    evaluation: {
      step: event.step,
      metrics: { ...metrics, tarAtFar: { ...metrics.tarAtFar } },
      angles: { binDeg: event.angles.binDeg, positives: Array.from(event.angles.positives), negatives: Array.from(event.angles.negatives) },
      flipEval: event.flipEval,
    },
    thresholds: { eer: metrics.eerThreshold, bestAccuracy: metrics.bestThreshold, tarAtFar: thresholdAtFar(event.roc, VERIFY_FAR), far: VERIFY_FAR },
  };
}

/** The decode settings a model's preprocessing records: crop, alpha background and "Align faces" (absent when off). */
export type RunDecodeSettings = Pick<DecodeOptions, 'centreCrop' | 'background' | 'align'>;

/** The decode settings of a run's test images: the loaded test folder's (or training folder's), else the defaults. */
export function decodeSettingsOf(data: DataSpec | null, folderDecode: DecodeOptions | undefined): RunDecodeSettings {
  const decode = data?.kind === 'folder' && folderDecode ? folderDecode : DEFAULT_DECODE_OPTIONS;
  return { centreCrop: decode.centreCrop, background: decode.background, ...(decode.align ? { align: decode.align } : {}) };
}

/** The preprocessing record of a session's model. */
export function preprocessingOf(session: TrainingSession, decode: RunDecodeSettings): ModelPreprocessing {
  const m = session.config.model;
  return {
    backbone: m.backbone,
    normalization: PREPROCESSING[m.backbone],
    inputSize: m.inputSize,
    centreCrop: decode.centreCrop,
    background: decode.background,
    // The test images were aligned ("Align faces" on the folder): verify images must be too.
    aligned: decode.align !== undefined,
    flipEval: session.config.flipEval,
  };
}

/**
 * The run info of a session. `noted` is its latest noted eval event (full thresholds); without one the
 * session's last recorded metrics give the EER and best-accuracy thresholds, and TAR@FAR is unknown.
 */
export function sessionRunInfo(session: TrainingSession, options: { label?: string; noted?: NotedEvaluation; decode: RunDecodeSettings; savedAt?: string }): ModelRunInfo {
  let { evaluation = null, thresholds = null } = options.noted ?? {};
  const last = session.evals.at(-1);
  if (last && (!evaluation || evaluation.step < last.step)) {
    evaluation = { step: last.step, metrics: { ...last.metrics, tarAtFar: { ...last.metrics.tarAtFar } }, angles: null, flipEval: session.config.flipEval };
    thresholds = { eer: last.metrics.eerThreshold, bestAccuracy: last.metrics.bestThreshold, tarAtFar: null, far: VERIFY_FAR };
  }
  const data = session.data;
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    runId: session.runId,
    label: options.label ?? session.runId,
    savedAt: options.savedAt ?? new Date().toISOString(),
    step: session.step,
    config: session.config,
    preprocessing: preprocessingOf(session, options.decode),
    identities: session.numIdentities,
    dataLabel: data?.kind === 'folder' ? (data.label ?? 'local folders') : BUILTIN_LABEL,
    evaluation,
    thresholds,
  };
}
