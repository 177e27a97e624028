/**
 * Loads an embedding model saved by the lab or trained outside it, in Node:
 * - a model .zip exported by the lab (model.json + weights + run.json, src/ml/modelIo.ts), or the folder it unzips to;
 * - a RUN_DIR written by `lab export-torch`'s train.py: config.json (the lab's TrainConfig), log.jsonl,
 *   identities.json and model.safetensors (the lab's weight names and layouts, plus the training-only `head`),
 *   checked as the page's import checks them; when the run ended without final weights, its newest checkpoint
 *   is not readable here (a PyTorch pickle): say so.
 * Returns the tfjs model with the config it was trained with; the caller disposes the model.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { locateRunDir, parseRunConfig, parseRunIdentities, RUN_DIR_FILES, RunDirError, runLogEndStep } from '../core/runDir.ts';
import type { TrainConfig } from '../core/trainConfig.ts';
import { UsageError } from './args.ts';

/** The weights file of a torch RUN_DIR. */
export const RUN_DIR_WEIGHTS = RUN_DIR_FILES.weights;

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

/**
 * A torch RUN_DIR's config and weights as a tfjs embedding model (the `head` is left out: training only), after
 * the checks of the page's import: the folder's files and their size limits (locateRunDir), config.json and
 * identities.json parsed alike, and model.safetensors checked against them and the log's last step
 * (runLogEndStep, modelFromRunWeights), so a folder mixing two runs is refused here with the same sentence. Throws UsageError.
 */
export async function loadTorchRun(dir: string): Promise<LoadedModel> {
  const { modelFromRunWeights } = await import('../ml/torchWeights.ts');
  try {
    const entries = [];
    for (const name of Object.values(RUN_DIR_FILES)) {
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (info?.isFile()) entries.push({ path: name, size: info.size });
    }
    const { files } = locateRunDir(entries);
    const text = (path: string) => readFile(join(dir, path), 'utf8');
    const config = parseRunConfig(await text(files.config));
    const classes = files.identities === undefined ? undefined : parseRunIdentities(await text(files.identities)).length;
    const step = runLogEndStep(await text(files.log));
    const { model } = modelFromRunWeights(new Uint8Array(await readFile(join(dir, files.weights))), { config, step, ...(classes === undefined ? {} : { classes }) });
    return { model, config, source: 'torch-run' };
  } catch (err) {
    if (err instanceof RunDirError) throw new UsageError(`--model ${dir}: ${err.message}`);
    throw err;
  }
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
  if (existsSync(join(path, RUN_DIR_WEIGHTS)) && existsSync(join(path, RUN_DIR_FILES.config))) return loadTorchRun(path);
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
