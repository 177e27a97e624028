/** Shared fixtures of the training-loop tests: micro configs and sources on the tfjs CPU backend. */
import * as tf from '@tensorflow/tfjs';
import { createSynthDataset } from '../../../src/core/synth/index.ts';
import { parseTrainConfig, type TrainConfigInput } from '../../../src/core/trainConfig.ts';
import type { TrainEvent } from '../../../src/protocol/events.ts';
import { itemBatchSource, type BatchSource } from '../../../src/ml/train/data.ts';

/** Identities of the micro training set (16 px would be too small for the model's 32 px minimum). */
export const MICRO_IDENTITIES = 8;

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A micro config: tiny CNN of width 4 at 32 px (about 0.5 s a step on the shared CPU). */
export function microConfig(overrides: TrainConfigInput = {}) {
  return parseTrainConfig({
    ...overrides,
    model: { width: 4, embeddingDim: 16, ...overrides.model },
    loss: { scale: 16, ...overrides.loss },
    optimizer: { lr: 0.05, schedule: { kind: 'constant' }, ...overrides.optimizer },
    batchSize: overrides.batchSize ?? 16,
    evalEvery: overrides.evalEvery ?? 0,
    evalPairs: overrides.evalPairs ?? 40,
    checkpointEvery: overrides.checkpointEvery ?? 0,
  });
}

/** Synthetic training faces: 8 identities × 8 images at 32 px. */
export function microSource(): BatchSource {
  return itemBatchSource(createSynthDataset({ seed: 5, identities: MICRO_IDENTITIES, imagesPerIdentity: 8, size: 32, familySize: 1 }), MICRO_IDENTITIES);
}

/** Wraps a source so `onBatch(step)` runs as each batch is requested (steps count from `first`). */
export function observedSource(source: BatchSource, onBatch: (step: number) => void, first = 0): BatchSource {
  let step = first;
  return { ...source, nextBatch: (b, rng) => (onBatch(step++), source.nextBatch(b, rng)) };
}

/** Every step point's loss from step events, in order, with the step numbers. */
export function stepLosses(events: TrainEvent[]): { steps: number[]; losses: number[] } {
  const steps: number[] = [];
  const losses: number[] = [];
  for (const e of events)
    if (e.type === 'step') {
      steps.push(...e.points.step);
      losses.push(...e.points.loss);
    }
  return { steps, losses };
}
