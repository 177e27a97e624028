/**
 * The training benchmark's TrainConfig, one definition for the lab's benchmark (./bench.ts) and PyTorch's side of
 * `npm run bench -- --torch` (src/cli/benchTorch.ts), so both train the same model with the same loss and step.
 */
import { parseTrainConfig, type TrainConfig } from '../../core/trainConfig.ts';
import type { BenchOptions } from '../../protocol/api.ts';

/**
 * The config `benchTrainSteps` trains: on noise (the default) ArcFace at s = 64 with SGD, as a real run; on a small
 * real set (`onData`) normalised softmax at s = 16 with Adam, which overfits a tiny set in a few steps.
 */
export function benchTrainConfig(options: BenchOptions, onData = false): TrainConfig {
  return parseTrainConfig({
    model: { backbone: options.backbone, pretrained: 'none', inputSize: options.inputSize, embeddingDim: 128, ...(options.width ? { width: options.width } : {}) },
    loss: onData ? { kind: 'softmax', scale: 16 } : { kind: 'arcface', scale: 64 },
    optimizer: onData ? { kind: 'adam', lr: 0.01, schedule: { kind: 'constant' } } : { kind: 'sgd', lr: 0.01, schedule: { kind: 'constant' } },
    batchSize: options.batchSize,
    steps: options.steps,
    evalEvery: 0,
    checkpointEvery: 0,
    flipAugment: false,
  });
}
