/**
 * The training benchmark: N real training steps (same session, same step, same optimiser) on noise
 * images, read back every step so each step's wall time is known. The first step is reported apart:
 * it includes shader compilation on WebGPU/WebGL and the first weight upload.
 */
import * as tf from '@tensorflow/tfjs';
import type { BenchOptions, BenchResult } from '../../protocol/api.ts';
import { summarizeKernelProfile, type KernelProfileSummary, type ProfiledKernel } from '../../core/kernelProfile.ts';
import type { TrainConfig } from '../../core/trainConfig.ts';
import { benchTrainConfig } from './benchConfig.ts';
import type { TrainControl } from './control.ts';
import { noiseBatchSource, type BatchSource } from './data.ts';
import { TrainingSession } from './session.ts';

/** Classes of the benchmark's random labels when not given. */
export const BENCH_DEFAULT_IDENTITIES = 64;

/** What timeTrainingSteps saw: each step's wall time, loss and gradient norm, and the step events that carried them. */
export interface TimedSteps {
  stepMs: number[];
  losses: number[];
  gradNorms: number[];
  stepEvents: number;
  /** tf.memory().numTensors after the last step, the session still alive. */
  numTensors: number;
}

/**
 * Trains `config` (a fresh session, disposed after) on `source`, noise images by default, reading every step back so
 * each step's wall time is known: the training benchmark's and the backend probe's (./probe.ts) one timing loop.
 * `onStep` sees the wall times after every step event; `control` may stop the run between steps.
 */
export async function timeTrainingSteps(
  config: TrainConfig,
  numIdentities: number,
  { source, control, onStep }: { source?: BatchSource; control?: TrainControl; onStep?: (stepMs: readonly number[]) => void } = {},
): Promise<TimedSteps> {
  const session = await TrainingSession.create(config, numIdentities, { runId: 'bench' });
  const timed: TimedSteps = { stepMs: [], losses: [], gradNorms: [], stepEvents: 0, numTensors: 0 };
  try {
    await session.run(
      source ?? noiseBatchSource(numIdentities, config.model.inputSize),
      (event) => {
        if (event.type !== 'step') return;
        timed.stepEvents++;
        event.points.imagesPerSec.forEach((ips) => timed.stepMs.push((config.batchSize * 1000) / ips));
        timed.losses.push(...event.points.loss);
        timed.gradNorms.push(...event.points.gradNorm);
        onStep?.(timed.stepMs);
      },
      { stepEventIntervalMs: 0, ...(control ? { control } : {}) },
    );
    timed.numTensors = tf.memory().numTensors;
    return timed;
  } finally {
    session.dispose();
  }
}

/** Runs the benchmark on the current tfjs backend, on noise images unless another `source` is given. */
export async function benchTrainSteps(options: BenchOptions, source?: BatchSource): Promise<Omit<BenchResult, 'backend'>> {
  const numIdentities = source?.numIdentities ?? options.numIdentities ?? BENCH_DEFAULT_IDENTITIES;
  const config = benchTrainConfig(options, source !== undefined);
  const { stepMs, losses, gradNorms, stepEvents, numTensors } = await timeTrainingSteps(config, numIdentities, { source });
  const profile = options.profile ? await profileTrainingSteps(config, numIdentities, source) : undefined;
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
    numTensors,
    firstLoss: losses[0],
    lastLoss: losses[losses.length - 1],
    losses,
    gradNorms,
    stepEvents,
    ...(profile ? { profile } : {}),
  };
}

/**
 * Profiles `config` with tf.profile, apart from the timed run because profiling slows a step (WebGPU reads a
 * timestamp query per kernel): a fresh session of N + 1 steps, less one of 1 step, so the kernels are those of N
 * steps from the second on (src/core/kernelProfile.ts). On wasm and cpu a kernel's time is its wall time, and kernels
 * the lab builds from other kernels (src/ml/wasm/) count as one. Only the backend's registered kernels count:
 * tf.profile also records the scope around each custom-gradient op (fused ops; tf.customGrad: the analytic batch
 * norm, the losses' safe acos), whose time is that of the kernels inside, counted already.
 */
async function profileTrainingSteps(config: TrainConfig, numIdentities: number, source: BatchSource | undefined): Promise<KernelProfileSummary> {
  const records = async (steps: number): Promise<ProfiledKernel[]> => {
    const info = await tf.profile(async () => {
      await timeTrainingSteps({ ...config, steps }, numIdentities, source ? { source } : {});
    });
    return info.kernels.map(({ name, kernelTimeMs }) => ({ name, timeMs: typeof kernelTimeMs === 'number' ? kernelTimeMs : undefined }));
  };
  const baseline = await records(1);
  const backendName = tf.getBackend();
  const isKernel = (name: string) => tf.getKernel(name, backendName) !== undefined;
  return summarizeKernelProfile(await records(config.steps + 1), config.steps, { baseline, isKernel });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
