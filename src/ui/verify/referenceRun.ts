/**
 * The reference model's baseline on a test folder as a run of the runs list, so the runs table, the ROC and
 * histogram overlays and Compare show it beside the lab's own runs. Pure: the run record is built from the
 * worker's evaluation with the same fold the lab's runs use (applyTrainEvent).
 */
import { REFERENCE_DIM, REFERENCE_INPUT_SIZE, REFERENCE_MODEL_ID, REFERENCE_RUN_LABEL } from '../../core/reference/faceApiReference.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../core/trainConfig.ts';
import type { ReferenceBaseline } from '../../protocol/reference.ts';
import { applyTrainEvent, newRunRecord } from '../runs/applyEvent.ts';
import type { RunRecord } from '../runs/runRecord.ts';

/** The baseline run's id on a test folder: one per folder (a new baseline of the same folder replaces it). */
export function referenceRunId(testLabel: string): string {
  return `${REFERENCE_MODEL_ID}|${testLabel}`;
}

/**
 * A run record needs a TrainConfig; the reference trained nowhere here, so its record carries the lab's defaults
 * with the network's own input size and dimension, and 0 steps.
 */
const REFERENCE_CONFIG: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  steps: 0,
  model: { ...DEFAULT_TRAIN_CONFIG.model, inputSize: REFERENCE_INPUT_SIZE, embeddingDim: REFERENCE_DIM },
};

/** What the reference is, for the runs table's Config column. */
export const REFERENCE_DESCRIPTION = `face-api's pretrained recognition network (dlib ResNet) · ${REFERENCE_DIM}-d · ${REFERENCE_INPUT_SIZE}×${REFERENCE_INPUT_SIZE} face crop · not trained here`;

/** What the baseline left out, in one sentence (undefined when it used every pair). */
export function leftOutSentence(baseline: ReferenceBaseline): string | undefined {
  const { positives, negatives } = baseline.leftOut;
  const images = baseline.noFace.length;
  if (images === 0 && positives + negatives === 0) return undefined;
  const detector = `${baseline.detector.detector} detector, score ≥ ${baseline.detector.scoreThreshold}`;
  const pairs = positives + negatives;
  return (
    `${images} of ${baseline.images} test images had no face the reference could find (${detector}): ` +
    `${pairs} of ${baseline.pairs} pairs left out (${positives} same-person, ${negatives} different-people), the ROC uses the other ${baseline.pairs - pairs}.`
  );
}

/** The baseline as a completed run, evaluated at step 0, started (computed) at `at`. */
export function referenceRun(baseline: ReferenceBaseline, at: string): RunRecord {
  const id = referenceRunId(baseline.testLabel);
  const base = newRunRecord({ id, label: REFERENCE_RUN_LABEL, config: REFERENCE_CONFIG, dataLabel: baseline.testLabel, backend: 'wasm', startedAt: at });
  const evaluated = applyTrainEvent(base, { ...baseline.evaluation, runId: id });
  const note = leftOutSentence(baseline);
  return { ...evaluated, status: 'completed', seconds: baseline.evaluation.seconds, pretrained: REFERENCE_DESCRIPTION, ...(note ? { message: note } : {}) };
}
