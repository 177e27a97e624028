/**
 * Loads an embedding model saved by the lab or trained outside it, in Node:
 * - a model .zip exported by the lab (model.json + weights + run.json, src/ml/modelIo.ts), or the folder it unzips to;
 * - a RUN_DIR written by `lab export-torch`'s train.py: config.json (the lab's TrainConfig) and
 *   model.safetensors (the lab's weight names and layouts, plus the training-only `head`), or, when the run
 *   ended without final weights, its newest checkpoint is not readable here (a PyTorch pickle): say so.
 * Returns the tfjs model with the config it was trained with; the caller disposes the model.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { decodeSafetensors } from '../core/safetensors.ts';
import { parseTrainConfig, type TrainConfig } from '../core/trainConfig.ts';
import { UsageError } from './args.ts';

/** The weights file of a torch RUN_DIR. */
export const RUN_DIR_WEIGHTS = 'model.safetensors';

/** What was loaded and from which kind of source. */
export interface LoadedModel {
  model: tf.LayersModel;
  config: TrainConfig;
  source: 'zip' | 'model-folder' | 'torch-run';
}

async function fromZipBytes(bytes: Uint8Array, source: LoadedModel['source']): Promise<LoadedModel> {
  const { loadModelZip } = await import('../ml/modelIo.ts');
  const { model, run } = await loadModelZip(bytes);
  return { model, config: run.config, source };
}

/** A torch RUN_DIR's config and weights as a tfjs embedding model (the `head` is left out: training only). */
export async function loadTorchRun(dir: string): Promise<LoadedModel> {
  let config: TrainConfig;
  try {
    config = parseTrainConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')));
  } catch (err) {
    throw new UsageError(`${dir}/config.json: ${(err as Error).message}`);
  }
  const { createEmbeddingModel, modelSpecOf } = await import('../ml/models/embedding.ts');
  const { assignNamedWeights } = await import('../ml/namedWeights.ts');
  const { tensors } = decodeSafetensors(new Uint8Array(await readFile(join(dir, RUN_DIR_WEIGHTS))));
  const model = createEmbeddingModel(modelSpecOf(config.model, config.seed));
  try {
    assignNamedWeights(model, tensors);
  } catch (err) {
    model.dispose();
    throw new UsageError(`${dir}/${RUN_DIR_WEIGHTS}: ${(err as Error).message}`);
  }
  return { model, config, source: 'torch-run' };
}

/** Loads `path` (a lab model zip, its unzipped folder, or a torch RUN_DIR); throws UsageError saying why not. */
export async function loadModelFrom(path: string): Promise<LoadedModel> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`--model ${path}: no such file or folder`);
  }
  if (info.isFile()) return fromZipBytes(new Uint8Array(await readFile(path)), 'zip');
  if (existsSync(join(path, RUN_DIR_WEIGHTS)) && existsSync(join(path, 'config.json'))) return loadTorchRun(path);
  if (existsSync(join(path, 'model.json')) && existsSync(join(path, 'run.json'))) {
    // The unzipped export: zip its files again in memory and read it as the lab reads the zip.
    const { MODEL_ZIP_FILES } = await import('../ml/modelIo.ts');
    const files: Record<string, Uint8Array> = {};
    for (const name of Object.values(MODEL_ZIP_FILES)) files[name] = new Uint8Array(await readFile(join(path, name)));
    return fromZipBytes(zipSync(files), 'model-folder');
  }
  if (existsSync(join(path, 'log.jsonl'))) {
    throw new UsageError(`--model ${path}: a torch run folder without ${RUN_DIR_WEIGHTS} (the run has not finished: resume it with train.py)`);
  }
  throw new UsageError(`--model ${path}: neither a lab model (.zip, or model.json + run.json) nor a torch run folder (config.json + ${RUN_DIR_WEIGHTS})`);
}
