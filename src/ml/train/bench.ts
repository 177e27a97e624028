/**
 * The training benchmark: N real training steps (same session, same step, same optimiser) on noise
 * images, read back every step so each step's wall time is known. The first step is reported apart:
 * it includes shader compilation on WebGPU/WebGL and the first weight upload.
 */
import * as tf from '@tensorflow/tfjs';
import type { BenchOptions, BenchResult } from '../../protocol/api.ts';
import { benchTrainConfig } from './benchConfig.ts';
import { noiseBatchSource, type BatchSource } from './data.ts';
import { TrainingSession } from './session.ts';

/** Classes of the benchmark's random labels when not given. */
export const BENCH_DEFAULT_IDENTITIES = 64;

/** Runs the benchmark on the current tfjs backend, on noise images unless another `source` is given. */
export async function benchTrainSteps(options: BenchOptions, source?: BatchSource): Promise<Omit<BenchResult, 'backend'>> {
  const numIdentities = source?.numIdentities ?? options.numIdentities ?? BENCH_DEFAULT_IDENTITIES;
  const config = benchTrainConfig(options, source !== undefined);
  const session = await TrainingSession.create(config, numIdentities, { runId: 'bench' });
  try {
    const stepMs: number[] = [];
    const losses: number[] = [];
    const gradNorms: number[] = [];
    let stepEvents = 0;
    await session.run(
      source ?? noiseBatchSource(numIdentities, options.inputSize),
      (event) => {
        if (event.type !== 'step') return;
        stepEvents++;
        event.points.imagesPerSec.forEach((ips) => stepMs.push((options.batchSize * 1000) / ips));
        losses.push(...event.points.loss);
        gradNorms.push(...event.points.gradNorm);
      },
      { stepEventIntervalMs: 0 },
    );
    const rest = stepMs.slice(1);
    const meanMs = rest.length > 0 ? rest.reduce((a, b) => a + b, 0) / rest.length : stepMs[0];
    return {
      model: options.backbone,
      batch: options.batchSize,
      size: options.inputSize,
      steps: stepMs.length,
      stepMs: round(meanMs),
      imgPerSec: round((options.batchSize * 1000) / meanMs),
      firstStepMs: round(stepMs[0]),
      numTensors: tf.memory().numTensors,
      firstLoss: losses[0],
      lastLoss: losses[losses.length - 1],
      losses,
      gradNorms,
      stepEvents,
    };
  } finally {
    session.dispose();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
