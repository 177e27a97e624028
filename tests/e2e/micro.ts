/**
 * The micro training run browser tests share: WebGPU on SwiftShader is slow (~1–2 s a step for this net), so
 * a width-4 tiny CNN at 32 px trains 6 steps and is evaluated once, at the end.
 */
import { inject } from 'vitest';
import { encodeConfigHash } from '../../src/core/configCodec.ts';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../../src/core/trainConfig.ts';

const MICRO_INPUT: TrainConfigInput = {
  model: { backbone: 'tiny', inputSize: 32, width: 4, embeddingDim: 16 },
  loss: { kind: 'softmax', scale: 16 },
  optimizer: { kind: 'adam', lr: 0.01, momentum: 0.9 },
  batchSize: 16,
  steps: 6,
  evalEvery: 0,
  evalPairs: 40,
  checkpointEvery: 0,
};

/** The micro config, with top-level fields overridden by `changes`. */
export function microConfig(changes: Omit<TrainConfigInput, 'model' | 'loss' | 'optimizer'> = {}): TrainConfig {
  return parseTrainConfig({ ...MICRO_INPUT, ...changes });
}

/** The built app's URL with `config` in its hash, as a shared link opens it. */
export function labUrl(config: TrainConfig = microConfig()): string {
  return new URL(encodeConfigHash(config), inject('baseUrl')).toString();
}
