/**
 * The lab's embedding model to and from the safetensors files of `lab export-torch`, shared by the
 * CLI and the worker so both build the same files: init.safetensors (the seeded initial weights a torch run
 * starts from) and model.safetensors (what train.py writes back, checked against its RUN_DIR before use).
 * Backend-agnostic: weights are read with `await data()`.
 */
import type * as tf from '@tensorflow/tfjs';
import { checkRunWeights, RUN_DIR_FILES, RUN_DIR_LIMITS, RunDirError, type RunWeightsExpectation } from '../core/runDir.ts';
import { decodeSafetensors, encodeSafetensors } from '../core/safetensors.ts';
import type { TrainConfig } from '../core/trainConfig.ts';
import { createEmbeddingModel, modelSpecOf } from './models/embedding.ts';
import { loadImageNetWeights } from './models/imagenet.ts';
import { assignNamedWeights, namedWeights } from './namedWeights.ts';

/**
 * init.safetensors for `config`: the model a lab run of the same seed starts from (with the ImageNet weights
 * loaded from `imagenet` when model.pretrained is 'imagenet'), by the lab's weight names.
 */
export async function initialWeightsFile(config: TrainConfig, imagenet?: tf.io.IOHandler | string): Promise<{ bytes: Uint8Array; parameters: number }> {
  const model = createEmbeddingModel(modelSpecOf(config.model, config.seed));
  try {
    if (config.model.pretrained === 'imagenet') {
      if (imagenet === undefined) throw new Error('the ImageNet weights are needed for a pretrained config');
      await loadImageNetWeights(model, imagenet);
    }
    const weights = await namedWeights(model);
    const parameters = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
    const metadata = { format: 'margin-lab-init', backbone: config.model.backbone, seed: String(config.seed), pretrained: config.model.pretrained };
    return { bytes: encodeSafetensors(weights, metadata), parameters };
  } finally {
    model.dispose();
  }
}

/**
 * The embedding model of a RUN_DIR's model.safetensors, built from its config.json (never from the file: a
 * hostile file could declare any shape) after the file's metadata and head were checked against the folder's
 * config, log and identities. Throws RunDirError saying what does not fit. The caller disposes the model.
 */
export function modelFromRunWeights(bytes: Uint8Array, expect: RunWeightsExpectation): { model: tf.LayersModel; classes: number } {
  const name = RUN_DIR_FILES.weights;
  if (bytes.byteLength > RUN_DIR_LIMITS[name]) throw new RunDirError(`${name} is larger than the ${RUN_DIR_LIMITS[name] / 2 ** 20} MiB it may be`);
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (err) {
    throw new RunDirError(`${name}: ${(err as Error).message}`);
  }
  checkRunWeights(file.metadata, file.tensors.get('head')?.shape, expect);
  const { config } = expect;
  const model = createEmbeddingModel(modelSpecOf(config.model, config.seed));
  try {
    const extra = assignNamedWeights(model, file.tensors).filter((n) => n !== 'head');
    if (extra.length > 0) throw new Error(`it holds weights the model has not: ${extra.slice(0, 4).join(', ')}`);
  } catch (err) {
    model.dispose();
    throw new RunDirError(`${name} does not fit the ${config.model.backbone} model of ${RUN_DIR_FILES.config}: ${(err as Error).message}`);
  }
  return { model, classes: Number(file.metadata.numIdentities) };
}
