/**
 * Saving, exporting and loading the embedding model. Pure tfjs + fflate, so the same code
 * runs in the worker and in Node.
 *
 * Zip layout (MODEL_ZIP_FILES): `model.json` — a TF.js layers model whose weightsManifest names one
 * shard, `group1-shard1of1.bin` (the float32 weights in weightSpecs order), so `tf.loadLayersModel`
 * loads the extracted folder as it is; and `run.json` — ModelRunInfo (src/protocol/models.ts): format
 * 'margin-lab-model', version, full run config, preprocessing, identity count, latest evaluation and
 * its thresholds. JSON has no Infinity, so a TAR@FAR threshold that accepts nothing is written as the
 * string "Infinity".
 *
 * Only the embedding model travels: the class head and optimiser state are training-only (a
 * checkpoint keeps those).
 */
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { parseTrainConfig, type TrainConfig } from '../core/trainConfig.ts';
import type { TensorRecord } from '../protocol/api.ts';
import type { ModelRunInfo } from '../protocol/models.ts';
import { createEmbeddingModel, modelSpecOf } from './models/embedding.ts';
import { PREPROCESSING } from './preprocess.ts';
import { assignRecord } from './train/checkpoint.ts';
import { checkWeightsManifest, DTYPE_BYTES, inflateEntries, MAX_MODEL_ZIP_BYTES, MODEL_ZIP_LIMITS, topologyInputShape, zipEntries, type CheckedWeight } from './modelZipChecks.ts';

/** File names inside a model zip. */
export const MODEL_ZIP_FILES = Object.freeze({ model: 'model.json', weights: 'group1-shard1of1.bin', run: 'run.json' });

/** The run.json format tag and version this code writes and reads. */
export const MODEL_FORMAT = 'margin-lab-model';
export const MODEL_FORMAT_VERSION = 1;

/** A model.json as `tf.loadLayersModel` reads it. */
interface LayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** A model's topology and weights, captured through a save handler (no files, no network). */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.modelTopology || !captured.weightSpecs || captured.weightData === undefined) throw new Error('the model could not be serialised');
  return captured;
}

/** The weights of artifacts as one byte array. */
function weightBytes(artifacts: tf.io.ModelArtifacts): Uint8Array {
  const data = artifacts.weightData;
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** run.json text (Infinity thresholds as the string "Infinity"). */
export function runInfoJson(run: ModelRunInfo): string {
  return JSON.stringify(run, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? 'Infinity' : value), 2);
}

/** Bytes in MiB, one decimal, for messages. */
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

function fail(reason: string): never {
  throw new Error(`not a Margin Lab model: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses and checks run.json text; throws "not a Margin Lab model: …" with the reason. */
export function parseRunInfo(text: string): ModelRunInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (_key, value: unknown) => (value === 'Infinity' ? Number.POSITIVE_INFINITY : value));
  } catch (err) {
    fail(`run.json is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) fail('run.json is not an object');
  if (raw.format !== MODEL_FORMAT) fail(`run.json format is ${JSON.stringify(raw.format)}, expected '${MODEL_FORMAT}'`);
  if (raw.version !== MODEL_FORMAT_VERSION) fail(`run.json version ${String(raw.version)} is not supported (this lab reads version ${MODEL_FORMAT_VERSION})`);
  let config: TrainConfig;
  try {
    config = parseTrainConfig(raw.config);
  } catch (err) {
    fail(`run.json config is invalid (${(err as Error).message})`);
  }
  const pre = raw.preprocessing;
  if (!isObject(pre)) fail('run.json has no preprocessing record');
  if (pre.backbone !== config.model.backbone || pre.inputSize !== config.model.inputSize) {
    fail(`run.json preprocessing (${String(pre.backbone)}, ${String(pre.inputSize)} px) disagrees with its config (${config.model.backbone}, ${config.model.inputSize} px)`);
  }
  if (typeof pre.centreCrop !== 'boolean' || typeof pre.aligned !== 'boolean' || typeof pre.flipEval !== 'boolean')
    fail('run.json preprocessing lacks centreCrop/aligned/flipEval');
  if (pre.background !== 'black' && pre.background !== 'white') fail(`run.json preprocessing background ${JSON.stringify(pre.background)} is not black or white`);
  if (pre.normalization !== 'symmetric' && pre.normalization !== 'caffe') fail(`run.json normalization ${JSON.stringify(pre.normalization)} is unknown`);
  if (typeof raw.runId !== 'string' || typeof raw.label !== 'string' || typeof raw.savedAt !== 'string') fail('run.json lacks runId, label or savedAt');
  if (!Number.isInteger(raw.identities) || !Number.isInteger(raw.step)) fail('run.json lacks the identity count or step');
  if (raw.evaluation !== null && !isObject(raw.evaluation)) fail('run.json evaluation is not an object');
  if (raw.thresholds !== null && !isObject(raw.thresholds)) fail('run.json thresholds is not an object');
  return { ...(raw as unknown as ModelRunInfo), config };
}

/** Packs a model's artifacts and run info into the zip layout of the module comment. */
export function packModelZip(artifacts: tf.io.ModelArtifacts, run: ModelRunInfo): Uint8Array {
  if (!artifacts.modelTopology || !artifacts.weightSpecs) throw new Error('model artifacts lack a topology or weight specs');
  const modelJson: LayersModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs} (Margin Lab)`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths: [MODEL_ZIP_FILES.weights], weights: artifacts.weightSpecs }],
  };
  return zipSync({
    [MODEL_ZIP_FILES.model]: strToU8(JSON.stringify(modelJson)),
    // Weights compress poorly: store them, and deflate only the JSON.
    [MODEL_ZIP_FILES.weights]: [weightBytes(artifacts), { level: 0 }],
    [MODEL_ZIP_FILES.run]: strToU8(runInfoJson(run)),
  });
}

/** What a model zip holds. */
export interface UnpackedModel {
  artifacts: tf.io.ModelArtifacts;
  run: ModelRunInfo;
}

/** Topology classes of a TF.js layers model (a graph model or anything else is refused). */
const LAYERS_TOPOLOGY_CLASSES: ReadonlySet<unknown> = new Set(['Model', 'Functional', 'Sequential']);

/**
 * Reads a zip made by packModelZip, checking everything that can be checked without building the
 * model: the files, run.json, and that the weight bytes match the manifest. Throws
 * "not a Margin Lab model: …" with the reason otherwise. Every size is checked from what the zip and
 * model.json declare before anything is inflated (src/ml/modelZipChecks.ts), so a zip bomb, a path
 * outside the zip or an absurd tensor shape costs no allocation.
 */
export function unpackModelZip(bytes: Uint8Array): UnpackedModel {
  if (bytes.byteLength > MAX_MODEL_ZIP_BYTES) fail(`the file is ${mib(bytes.byteLength)} MiB, more than the ${mib(MAX_MODEL_ZIP_BYTES)} MiB a model zip may be`);
  const entries = zipEntries(bytes, fail);
  for (const name of [MODEL_ZIP_FILES.model, MODEL_ZIP_FILES.run]) {
    const entry = entries.get(name);
    if (!entry) fail(`the zip has no ${name}`);
    if (entry.originalSize > MODEL_ZIP_LIMITS.jsonBytes) fail(`${name} declares ${mib(entry.originalSize)} MiB, more than the ${mib(MODEL_ZIP_LIMITS.jsonBytes)} MiB it may be`);
  }
  const json = inflateEntries(bytes, entries, [MODEL_ZIP_FILES.model, MODEL_ZIP_FILES.run], fail);
  const run = parseRunInfo(strFromU8(json[MODEL_ZIP_FILES.run]));
  let modelJson: Record<string, unknown>;
  try {
    modelJson = JSON.parse(strFromU8(json[MODEL_ZIP_FILES.model])) as Record<string, unknown>;
  } catch (err) {
    fail(`model.json is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(modelJson) || !isObject(modelJson.modelTopology) || !Array.isArray(modelJson.weightsManifest))
    fail('model.json is not a TF.js layers model (modelTopology or weightsManifest missing)');
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') fail(`model.json is a ${JSON.stringify(modelJson.format)}, not a TF.js layers model`);
  const topology = modelJson.modelTopology;
  if (!LAYERS_TOPOLOGY_CLASSES.has(topology.class_name) || !isObject(topology.config))
    fail(`model.json's topology is ${JSON.stringify(topology.class_name ?? null)}, not a TF.js layers model`);
  const manifest = checkWeightsManifest(modelJson.weightsManifest, fail);
  if (new Set(manifest.paths).size !== manifest.paths.length) fail('model.json names a weight file twice');
  let declared = 0;
  for (const path of manifest.paths) {
    const entry = entries.get(path);
    if (!entry) fail(`model.json names weight file ${path}, which the zip lacks`);
    declared += entry.originalSize;
  }
  // Compared as declared, before inflating: weights that do not fit the manifest cost nothing.
  if (declared !== manifest.bytes) fail(`the weight files hold ${declared} bytes, the manifest describes ${manifest.bytes}`);
  const shards = inflateEntries(bytes, entries, manifest.paths, fail);
  const weightData = new Uint8Array(manifest.bytes);
  let offset = 0;
  for (const path of manifest.paths) {
    weightData.set(shards[path], offset);
    offset += shards[path].byteLength;
  }
  return { artifacts: { modelTopology: topology, weightSpecs: manifest.weights, weightData: weightData.buffer, format: 'layers-model' }, run };
}

/**
 * The embedding model of a zip, checked against its run.json: input side, embedding dimension and
 * the per-backbone normalisation this lab applies. The caller disposes the model.
 *
 * The architecture is built from run.json's config (range-checked by parseTrainConfig), never from
 * model.json's topology: a hostile topology could declare layers of any size, and TF.js allocates
 * them before it reads a weight. The zip's weights must then match that model tensor by tensor.
 */
export async function loadModelZip(bytes: Uint8Array): Promise<{ model: tf.LayersModel; run: ModelRunInfo }> {
  const { artifacts, run } = unpackModelZip(bytes);
  const expectedNormalization = PREPROCESSING[run.config.model.backbone];
  if (run.preprocessing.normalization !== expectedNormalization) {
    fail(`it was trained with ${run.preprocessing.normalization} normalisation, but this lab feeds ${run.config.model.backbone} ${expectedNormalization}-normalised images`);
  }
  const size = run.config.model.inputSize;
  const input = topologyInputShape(artifacts.modelTopology as Record<string, unknown>);
  if (!input || input[0] !== size || input[1] !== size || input[2] !== 3) {
    fail(`model.json takes ${JSON.stringify(input ?? null)} images, but run.json says ${size} px and ${run.config.model.embeddingDim} dimensions`);
  }
  const model = createEmbeddingModel(modelSpecOf(run.config.model, run.config.seed));
  try {
    setWeightsFrom(model, artifacts.weightSpecs ?? [], new Uint8Array(artifacts.weightData as ArrayBuffer));
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, run };
}

/** Writes manifest-ordered weight bytes into `model`, refusing a count, shape or dtype that differs. */
function setWeightsFrom(model: tf.LayersModel, specs: readonly tf.io.WeightsManifestEntry[], data: Uint8Array): void {
  const weights = model.weights;
  const what = `the ${model.name} model run.json describes`;
  if (specs.length !== weights.length) fail(`the weights do not match ${what}: the zip has ${specs.length} tensors, the model ${weights.length}`);
  specs.forEach((spec, i) => {
    if (!tf.util.arraysEqual(spec.shape, weights[i].shape as number[]) || spec.dtype !== weights[i].dtype) {
      fail(`the weights do not match ${what}: ${spec.name} is ${spec.dtype} [${spec.shape.join(', ')}], where the model has ${weights[i].dtype} [${weights[i].shape.join(', ')}]`);
    }
  });
  let offset = 0;
  const tensors = specs.map((spec) => {
    const count = spec.shape.reduce((n, d) => n * d, 1);
    const bytes = data.slice(offset, offset + count * DTYPE_BYTES[spec.dtype as CheckedWeight['dtype']]);
    offset += bytes.byteLength;
    const values = spec.dtype === 'float32' ? new Float32Array(bytes.buffer) : spec.dtype === 'int32' ? new Int32Array(bytes.buffer) : bytes;
    return tf.tensor(values, spec.shape, spec.dtype);
  });
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** An inference-only embedding model for `config`, with the weights of a checkpoint's model records. */
export function embeddingModelFromRecords(config: TrainConfig, records: readonly TensorRecord[]): tf.LayersModel {
  const model = createEmbeddingModel(modelSpecOf(config.model, config.seed));
  const weights = model.weights;
  if (weights.length !== records.length) {
    model.dispose();
    throw new Error(`the checkpoint has ${records.length} model tensors, the model ${weights.length}`);
  }
  weights.forEach((w, i) => assignRecord(w.read() as tf.Variable, records[i]));
  return model;
}
