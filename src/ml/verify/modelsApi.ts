/**
 * The models part of the lab worker's API (src/protocol/models.ts ModelsApi): saving the current
 * model to a model store (IndexedDB in the worker), export/import as .zip, and verifying images with
 * the current, a saved or an imported model.
 *
 * A verify image goes through the test folder's path: sniffed, decoded by the data store's decoder
 * (the browser's in the worker, workers/data/decode.ts) at the model's input size with the model's crop and background, then
 * normalised per backbone and embedded by the engine (flip-averaged when the model's evaluation was),
 * so the thumbnail returned is exactly what the model saw. Every refusal (not an image, broken file,
 * no model, a preprocessing the model was not trained with) throws before anything changes.
 */
import { nearestIdentities } from '../../core/verify.ts';
import { FORMAT_LABELS } from '../../core/dataset/sniff.ts';
import type { DataSpec } from '../../protocol/api.ts';
import type { EvalEvent } from '../../protocol/events.ts';
import type { ModelChoice, ModelRunInfo, ModelsApi, NearestProgressCallback, SavedModelSummary, TorchRunImport, VerifiedImage, VerifyOptions } from '../../protocol/models.ts';
import { parseTrainConfig, type TrainConfig } from '../../core/trainConfig.ts';
import { IMAGENET_RESNET50_URL } from '../models/imagenet.ts';
import { initialWeightsFile, modelFromRunWeights } from '../torchWeights.ts';
import { embeddingModelFromRecords, loadModelZip, modelArtifacts, packModelZip } from '../modelIo.ts';
import { MAX_MODEL_ZIP_BYTES } from '../modelZipChecks.ts';
import { EMBED_BATCH, embedImages } from '../train/evaluate.ts';
import type { TrainingSession } from '../train/session.ts';
import type * as tf from '@tensorflow/tfjs';
import type { DataStore } from '../data/dataStore.ts';
import { DEFAULT_ALIGN_OPTIONS, type AlignOptions } from '../../core/align/options.ts';
import { AlignUnavailableError, NoFaceError } from '../align/alignCache.ts';
import { sniffBlob } from '../data/images.ts';
import { decodeSettingsOf, noteEvaluation, sessionRunInfo, type NotedEvaluation } from '../runInfo.ts';
import { torchRunInfo } from '../torchRunInfo.ts';
import { createIdentityTables } from './identityTable.ts';
import { testIdentities } from './testIdentities.ts';
import type { RefusedRecord } from '../../core/storedRecords.ts';

/** Where saved models are kept (IndexedDB in the lab worker: workers/models/modelStore.ts). */
export interface ModelStore {
  /** Stores (or replaces) a model's summary and zip in one transaction. */
  put(summary: SavedModelSummary, zip: Uint8Array): Promise<void>;
  /** Newest first; corrupt or foreign summaries are left out (see `refused`). */
  list(): Promise<SavedModelSummary[]>;
  /** The summaries `list` leaves out, with the reason each was refused. */
  refused(): Promise<RefusedRecord[]>;
  summary(id: string): Promise<SavedModelSummary | undefined>;
  zip(id: string): Promise<Uint8Array | undefined>;
  delete(id: string): Promise<void>;
  close(): void;
}

/** Whether face alignment exists: verify images of aligned models are aligned like their test set. */
export const ALIGNMENT_AVAILABLE = true;

/** Nearest identities returned when the caller names no count. */
export const DEFAULT_NEAREST = 5;

/**
 * Test images embedded per call while building identity means: one engine batch (EMBED_BATCH), so each call is
 * one device read and the progress moves every batch rather than every few seconds.
 */
const MEANS_CHUNK = EMBED_BATCH;

/** What the models API needs from the rest of the worker. */
export interface ModelsDeps {
  openStore(): Promise<ModelStore>;
  /** The training session whose model is "current" (null before any run or restore). */
  currentSession(): TrainingSession | null;
  /** The data loaded with loadData (null before it). */
  currentData(): DataSpec | null;
  dataStore: DataStore;
}

/** A model ready to embed packed RGB images. */
interface Embedder {
  /** Identifies the weights (for caching identity means). */
  key: string;
  run: ModelRunInfo;
  embed(pixels: Uint8Array, count: number): Promise<Float32Array>;
}

/** The refusal for alignment requests and mismatches, or nothing when the image pipeline fits the model. */
export function pipelineProblem(run: ModelRunInfo, options: VerifyOptions = {}): string | undefined {
  const align = options.align ?? run.preprocessing.aligned;
  if (align && !ALIGNMENT_AVAILABLE) return 'alignment is not available yet: verify with alignment off';
  if (align !== run.preprocessing.aligned) {
    return run.preprocessing.aligned
      ? `the model '${run.label}' was trained on aligned faces: turn alignment on`
      : `the model '${run.label}' was trained on unaligned centre crops: turn alignment off`;
  }
  return undefined;
}

/** Builds the API plus the hook the engine calls with each eval event (before its buffers leave). */
export function createModelsApi(deps: ModelsDeps) {
  let store: Promise<ModelStore> | null = null;
  const getStore = () => (store ??= deps.openStore());
  /** Latest noted evaluation per run id. */
  const noted = new Map<string, NotedEvaluation>();
  /** The one saved model held in memory (loading a zip is the slow part). */
  let loaded: { id: string; model: tf.LayersModel; run: ModelRunInfo } | null = null;
  const identityTables = createIdentityTables(MEANS_CHUNK);

  const requireSession = (): TrainingSession => {
    const session = deps.currentSession();
    if (!session) throw new Error('no model yet: train a run, or choose a saved or imported model');
    return session;
  };

  const currentInfo = (label?: string): ModelRunInfo => {
    const session = requireSession();
    const decode = decodeSettingsOf(session.data, deps.dataStore.folder('test')?.decode ?? deps.dataStore.folder('train')?.decode);
    return sessionRunInfo(session, { label, noted: noted.get(session.runId), decode });
  };

  /**
   * Detector settings for aligning verify images: the loaded folders' (as the test set was aligned),
   * else the defaults — a model's run info records that it was aligned, not with which detector.
   */
  const verifyAlignOptions = (): AlignOptions => deps.dataStore.folder('test')?.decode.align ?? deps.dataStore.folder('train')?.decode.align ?? DEFAULT_ALIGN_OPTIONS;

  /**
   * Model operations run one at a time: loading another saved model disposes the loaded one, which must not
   * happen while an earlier call is still embedding with it.
   */
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = queue.then(operation);
    queue = result.catch(() => undefined);
    return result;
  };

  const savedModel = async (id: string) => {
    if (loaded?.id === id) return loaded;
    const zip = await (await getStore()).zip(id);
    if (!zip) throw new Error(`no saved model '${id}' (it was deleted?)`);
    const next = await loadModelZip(zip);
    loaded?.model.dispose();
    loaded = { id, ...next };
    return loaded;
  };

  const embedderOf = async (choice: ModelChoice): Promise<Embedder> => {
    if (choice.kind === 'current') {
      const session = requireSession();
      const run = currentInfo();
      return { key: `current:${session.runId}:${session.step}`, run, embed: (pixels, count) => session.embed(pixels, count, run.preprocessing.flipEval) };
    }
    const { model, run } = await savedModel(choice.id);
    const m = { model, backbone: run.config.model.backbone, inputSize: run.config.model.inputSize };
    return { key: `saved:${choice.id}`, run, embed: (pixels, count) => embedImages(m, pixels, count, run.preprocessing.flipEval) };
  };

  /** Sniffs, decodes and embeds one image for `embedder`, or throws the reason it cannot. */
  const verifyWith = async (embedder: Embedder, image: Blob, options?: VerifyOptions): Promise<VerifiedImage> => {
    const problem = pipelineProblem(embedder.run, options);
    if (problem) throw new Error(problem);
    if (!(image instanceof Blob)) throw new Error('not a file: drop, pick or paste an image file');
    const sniff = await sniffBlob(image);
    if (sniff.kind === 'not-image') throw new Error('not an image: the file is no JPEG, PNG, GIF, WebP, BMP or AVIF');
    if (sniff.kind === 'unsupported') throw new Error(`${FORMAT_LABELS[sniff.format]} images cannot be decoded in the browser: convert it to PNG or JPEG`);
    const pre = embedder.run.preprocessing;
    let pixels: Uint8Array;
    const align = pre.aligned ? verifyAlignOptions() : undefined;
    try {
      pixels = await deps.dataStore.decode(image, { imageSize: pre.inputSize, centreCrop: pre.centreCrop, background: pre.background, ...(align ? { align } : {}) });
    } catch (err) {
      if (err instanceof NoFaceError) throw new Error(`no face found in the image (${err.detail}): the model '${embedder.run.label}' was trained on aligned faces`, { cause: err });
      if (err instanceof AlignUnavailableError) throw err;
      throw new Error(`the ${FORMAT_LABELS[sniff.format]} file could not be decoded: it is broken or truncated (${(err as Error).message ?? String(err)})`, { cause: err });
    }
    const embedding = await embedder.embed(pixels, 1);
    return { embedding, pixels, size: pre.inputSize, model: { runId: embedder.run.runId, label: embedder.run.label, step: embedder.run.step } };
  };

  const identityTable = (embedder: Embedder, onProgress?: NearestProgressCallback) =>
    identityTables(embedder, testIdentities(deps.currentData(), embedder.run.preprocessing.inputSize, deps.dataStore), onProgress);

  const summaryOf = (id: string, run: ModelRunInfo, source: SavedModelSummary['source'], bytes: number): SavedModelSummary => ({
    id,
    label: run.label,
    source,
    savedAt: run.savedAt,
    runId: run.runId,
    backbone: run.config.model.backbone,
    inputSize: run.config.model.inputSize,
    auc: run.evaluation?.metrics.auc ?? null,
    step: run.step,
    bytes,
  });

  /** The current model as a zip (weights read from the device through a checkpoint). */
  const currentZip = async (label?: string): Promise<{ zip: Uint8Array; run: ModelRunInfo }> => {
    const session = requireSession();
    const run = currentInfo(label);
    const checkpoint = await session.checkpoint();
    const model = embeddingModelFromRecords(session.config, checkpoint.model);
    try {
      return { zip: packModelZip(await modelArtifacts(model), run), run };
    } finally {
      model.dispose();
    }
  };

  const api = {
    describeModel: (choice: ModelChoice) => exclusive(async () => (await embedderOf(choice)).run),

    async saveModel(label?: string) {
      const { zip, run } = await currentZip(label);
      const summary = summaryOf(`${run.runId}@${run.step}`, run, 'run', zip.byteLength);
      await (await getStore()).put(summary, zip);
      return summary;
    },

    listModels: async () => (await getStore()).list(),

    deleteModel: (id: string) =>
      exclusive(async () => {
        await (await getStore()).delete(id);
        if (loaded?.id === id) {
          loaded.model.dispose();
          loaded = null;
        }
      }),

    async exportModel(choice: ModelChoice) {
      if (choice.kind === 'current') return (await currentZip()).zip;
      const zip = await (await getStore()).zip(choice.id);
      if (!zip) throw new Error(`no saved model '${choice.id}'`);
      return zip;
    },

    async importModel(file: Blob, fileName?: string) {
      if (!(file instanceof Blob)) throw new Error('not a file: pick a .zip exported by Margin Lab');
      // Refused by its size before it is read into memory (the zip's own limits are checked in unpackModelZip).
      if (file.size > MAX_MODEL_ZIP_BYTES)
        throw new Error(
          `not a Margin Lab model: the file is ${Math.round(file.size / 2 ** 20)} MiB, more than the ${Math.round(MAX_MODEL_ZIP_BYTES / 2 ** 20)} MiB a model zip may be`,
        );
      const bytes = new Uint8Array(await file.arrayBuffer());
      // Checked in full (the model is built once) before anything is stored.
      const { model, run } = await loadModelZip(bytes);
      model.dispose();
      const importedAt = new Date().toISOString();
      const id = `imported-${run.runId}@${run.step}-${importedAt}`;
      const label = fileName ? `${run.label} (${fileName})` : run.label;
      const stored = { ...run, label, savedAt: importedAt };
      // The stored zip is the file as given: export gives back the same bytes.
      const summary = summaryOf(id, stored, 'imported', bytes.byteLength);
      await (await getStore()).put(summary, bytes);
      return summary;
    },

    async importTorchRun(run: TorchRunImport) {
      // Checked in full (metadata, head, every weight) before anything is stored; re-importing a run replaces it.
      const { model, classes } = modelFromRunWeights(run.weights, { config: parseTrainConfig(run.config), step: run.step, classes: run.classes });
      try {
        const info = torchRunInfo(run, classes, new Date().toISOString());
        const zip = packModelZip(await modelArtifacts(model), info);
        const summary = summaryOf(`imported-${run.runId}@${run.step}`, info, 'imported', zip.byteLength);
        await (await getStore()).put(summary, zip);
        return summary;
      } finally {
        model.dispose();
      }
    },

    initialWeights: async (config: TrainConfig) => (await initialWeightsFile(parseTrainConfig(config), IMAGENET_RESNET50_URL)).bytes,

    verifyImage: (choice: ModelChoice, image: Blob, options?: VerifyOptions) => exclusive(async () => verifyWith(await embedderOf(choice), image, options)),

    nearestIdentities: (choice: ModelChoice, image: Blob, k = DEFAULT_NEAREST, options?: VerifyOptions, onProgress?: NearestProgressCallback) =>
      exclusive(async () => {
        const embedder = await embedderOf(choice);
        const verified = await verifyWith(embedder, image, options);
        const table = await identityTable(embedder, onProgress);
        const matches = nearestIdentities(verified.embedding, table.table, k).map((m) => ({
          name: table.names[m.index],
          cosine: m.cosine,
          angleDeg: m.angleDeg,
          images: table.table.counts[m.index],
        }));
        return { image: verified, matches, identities: table.names.length, testSet: table.label };
      }),
  } satisfies ModelsApi;

  return {
    api,
    /** Notes an eval event of the current session (call before its buffers are transferred). */
    noteEval(event: EvalEvent) {
      noted.set(event.runId, noteEvaluation(event));
    },
  };
}
