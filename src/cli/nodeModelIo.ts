/**
 * A tf.io.IOHandler that reads a TF.js layers model (model.json plus its weight shards) from disk.
 *
 * tfjs's own `file://` handler lives in @tensorflow/tfjs-node, which does not install without network
 * access (its install script downloads libtensorflow), so Node code — tests and the CLI — loads models through this handler instead.
 * Only Node code may import it: src/ml stays free of node: imports and takes any IOHandler.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs';

/** The parts of a TF.js layers-model model.json that this handler reads. */
interface LayersModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: object;
  weightsManifest: io.WeightsManifestConfig;
}

/**
 * Reads `modelJsonPath` and every shard listed in its weightsManifest (paths relative to the
 * model.json folder) and concatenates the shards, in manifest order, into one ArrayBuffer — the
 * order in which the weight specs describe the bytes.
 */
export async function readModelArtifacts(modelJsonPath: string): Promise<io.ModelArtifacts> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as LayersModelJson;
  if (json.modelTopology == null || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${modelJsonPath}: not a TF.js layers model (modelTopology or weightsManifest missing)`);
  }
  const folder = dirname(resolve(modelJsonPath));
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) shards.push(await readFile(resolve(folder, path)));
  }
  const total = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
  };
}

/**
 * An IOHandler for `tf.loadLayersModel(nodeFileHandler('…/model.json'))`. The files are read when
 * tfjs calls `load()`, not when the handler is made.
 */
export function nodeFileHandler(modelJsonPath: string): io.IOHandler {
  return { load: () => readModelArtifacts(modelJsonPath) };
}
