/**
 * The lab worker's API as a plain object factory, so Node tests can run it without a worker or
 * comlink; workers/lab.worker.ts only exposes it. The engine lives in src/ml/train; this file holds the
 * worker's state (data, current session, control) and maps API calls onto it.
 */
import * as tf from '@tensorflow/tfjs';
import { BUILTIN_DATA, createBuiltinSets, createSynthDataset, pinBuiltinChoice, UNPINNED_BUILTIN_DATA } from '../src/core/synth/index.ts';
import { parseTrainConfig } from '../src/core/trainConfig.ts';
import type {
  BackendReport,
  BenchResult,
  DataSpec,
  DataSummary,
  InitOptions,
  LabWorkerApi,
  RefusedStoredRecord,
  RunResult,
  TrainCheckpoint,
  TrainConfig,
} from '../src/protocol/api.ts';
import type { LiveParams, TrainEvent, TrainEventHandler } from '../src/protocol/events.ts';
import { IMAGENET_RESNET50_URL } from '../src/ml/models/imagenet.ts';
import { BENCH_DEFAULT_IDENTITIES, benchTrainSteps } from '../src/ml/train/bench.ts';
import { benchTrainConfig } from '../src/ml/train/benchConfig.ts';
import { TrainControl } from '../src/ml/train/control.ts';
import { itemBatchSource, makeTestSet, type BatchSource, type TestSet } from '../src/ml/train/data.ts';
import { synthProbe } from '../src/ml/train/geometry.ts';
import { acquireRunLock, type RunLocks } from './runLock.ts';
import { TrainingSession } from '../src/ml/train/session.ts';
import { summarize, type CheckpointStore } from './checkpointStore.ts';
import type { DataStore } from '../src/ml/data/dataStore.ts';
import { workerDataStore } from './data/workerDataStore.ts';
import { folderRunData, folderSummary } from '../src/ml/data/folderData.ts';
import { createModelsApi, type ModelStore } from '../src/ml/verify/modelsApi.ts';
import { createWorkerReferenceApi } from './data/reference.ts';
import type { ReferenceDeps } from '../src/ml/reference/referenceApi.ts';
import { openModelStore } from './models/modelStore.ts';

/** What the API needs from its host (the worker entry, or a test). */
export interface LabApiDeps {
  selectBackend(options?: InitOptions): Promise<BackendReport>;
  /** Opens the checkpoint store (IndexedDB); called once, on first use. */
  openStore(): Promise<CheckpointStore>;
  /**
   * Hands an event to the callback; the worker transfers the event's buffers here. Through comlink the call
   * returns a promise that settles once the page has handled the event.
   */
  deliver?(onEvent: TrainEventHandler, event: TrainEvent): unknown;
  /** Locks held by training runs (default navigator.locks where the worker has it): one run trains in one tab. */
  runLocks?: RunLocks;
  /** Where ImageNet ResNet50 weights come from (default IMAGENET_RESNET50_URL). */
  imagenetWeights?: string;
  /** The folders `{ kind: 'folder' }` trains on (default the worker's shared workerDataStore, which api.data fills). */
  dataStore?: DataStore;
  /** Opens the saved-model store (default workers/models/modelStore.ts openModelStore in the global indexedDB). */
  openModelStore?(): Promise<ModelStore>;
  /** One image through the reference model (default: face-api in the align worker; Node tests pass face-api's Node build). */
  describeReference?: ReferenceDeps['describe'];
}

/** The training part of LabWorkerApi (the `data` sub-API of local folders is workers/data's, joined in the entry). */
export type TrainingApi = Omit<LabWorkerApi, 'data'>;

/** The ArrayBuffers of an event's arrays (to transfer rather than copy). */
export function eventTransferables(event: TrainEvent): ArrayBuffer[] {
  const arrays: Float32Array[] = [];
  if (event.type === 'step') arrays.push(...Object.values(event.points));
  if (event.type === 'eval') arrays.push(event.roc.fpr, event.roc.tpr, event.roc.thresholds, event.angles.positives, event.angles.negatives);
  const g = event.type === 'eval' ? event.geometry : undefined;
  const geometryArrays: ArrayBufferView[] = g ? [g.points, g.identities, g.centres, g.centreIds, g.thetaY.counts] : [];
  return [...new Set([...arrays, ...geometryArrays].map((a) => a.buffer as ArrayBuffer))];
}

/**
 * A checkpoint of a run on the built-in faces names the data it trained on (loadData pins it), unless it was written
 * before runs did: then it trained on the defaults of its day. Its training identity count is its head's row count
 * (the set's people are drawn in order from its seed), and the rest is what the defaults held then
 * (UNPINNED_BUILTIN_DATA), so the resumed run trains on exactly the faces it started on.
 */
function withBuiltinDataOfItsDay(checkpoint: TrainCheckpoint): TrainCheckpoint {
  const data = checkpoint.data;
  if (data?.kind !== 'builtin') return checkpoint;
  // Fields a checkpoint names win; a checkpoint written since runs pin their data names them all.
  const train = { identities: checkpoint.numIdentities, ...UNPINNED_BUILTIN_DATA.train, ...data.train };
  const test = { ...UNPINNED_BUILTIN_DATA.test, ...data.test };
  return { ...checkpoint, data: { ...data, train, test } };
}

/**
 * A new run's id, as the session names runs (seed and clock) plus a random part: two tabs, or two workers of a sweep,
 * can start runs of one seed in the same millisecond, and runs sharing an id would overwrite each other's run record
 * and checkpoint.
 */
export function newRunId(seed: number): string {
  return `run-${seed}-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

/** What a run trains and evaluates on. */
interface RunData {
  source: BatchSource;
  test: TestSet;
  numIdentities: number;
}

/** The engine's sources for `spec` at the config's input size (folders are decoded again at that size if needed). */
function runDataOf(spec: DataSpec, config: TrainConfig, store: DataStore): RunData {
  if (spec.kind === 'folder') return folderRunData(store, spec, { inputSize: config.model.inputSize, evalPairs: config.evalPairs, seed: config.seed });
  const sets = createBuiltinSets(spec, config.model.inputSize);
  const numIdentities = sets.train.identityNames.length;
  // Held-out photos of the training people, for the angle statistics and the "Hypersphere" figure.
  const test = { ...makeTestSet(sets.test, config.evalPairs, config.seed), probe: synthProbe(sets.train.spec) };
  return { source: itemBatchSource(sets.train, numIdentities), test, numIdentities };
}

/** Builds the API object. */
export function createLabApi(deps: LabApiDeps) {
  let data: DataSpec | null = null;
  let session: TrainingSession | null = null;
  let control: TrainControl | null = null;
  let store: Promise<CheckpointStore> | null = null;
  const getStore = () => (store ??= deps.openStore());
  const deliver = deps.deliver ?? ((onEvent, event) => onEvent(event));
  const dataStore = deps.dataStore ?? workerDataStore;
  const runLocks = deps.runLocks ?? (typeof navigator !== 'undefined' ? navigator.locks : undefined);
  // One saved-model store for the models API and the refused-record listing alike.
  let modelStore: Promise<ModelStore> | null = null;
  const getModelStore = () => (modelStore ??= (deps.openModelStore ?? (() => openModelStore()))());
  const models = createModelsApi({ openStore: getModelStore, currentSession: () => session, currentData: () => data, dataStore });
  const reference = createWorkerReferenceApi(dataStore, deps.describeReference);

  const requireSession = (): TrainingSession => {
    if (!session) throw new Error('no model yet: train a run or restore a checkpoint first');
    return session;
  };

  /** Runs `next` (fresh or restored) to its end on the loaded data (`prepared`: already built for it). */
  const runSession = async (next: TrainingSession, onEvent: TrainEventHandler, prepared?: RunData): Promise<RunResult> => {
    if (control) {
      next.dispose();
      throw new Error('a run is already training: stop it first');
    }
    const spec = next.data ?? data;
    if (!spec) {
      next.dispose();
      throw new Error('no data loaded: call loadData first');
    }
    // Taken before anything waits, so that a second call in this worker finds `control` set.
    control = new TrainControl();
    const releaseLock = await acquireRunLock(runLocks, next.runId).catch(() => () => undefined);
    if (!releaseLock) {
      control = null;
      next.dispose();
      throw new Error(`run '${next.runId}' is training in another tab of the lab: resume it there, or close that tab first`);
    }
    session?.dispose();
    session = next;
    // Events reach the page on the callback's own message port, which is not ordered with this call's reply:
    // wait until the page has handled the last event, so a run's final events are in before train() returns.
    let lastDelivery: unknown;
    const send = (event: TrainEvent) => {
      // Saved models keep the eval's thresholds: note them before deliver transfers (detaches) its buffers.
      if (event.type === 'eval') models.noteEval(event);
      lastDelivery = deliver(onEvent, event);
    };
    try {
      const { source, test } = prepared ?? runDataOf(spec, next.config, dataStore);
      const saveStore = await getStore();
      return await next.run(source, send, { control, test, saveCheckpoint: (c) => saveStore.put(c) });
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      send({ type: 'error', runId: next.runId, message });
      return { runId: next.runId, reason: 'error', step: next.step, message };
    } finally {
      control = null;
      releaseLock();
      await Promise.resolve(lastDelivery).catch(() => undefined);
    }
  };

  const api = {
    ...models.api,
    ...reference,
    async init(options?: InitOptions) {
      // Switching backends under a training run would move its weights mid-step: only a look at the current one.
      if (control && !options?.current) throw new Error('a run is training: change the backend when it has ended');
      return deps.selectBackend(options);
    },

    async loadData(spec: DataSpec): Promise<DataSummary> {
      if (spec.kind === 'folder') {
        const summary = folderSummary(dataStore, spec);
        data = structuredClone(spec);
        return summary;
      }
      if (spec.kind !== 'builtin') throw new Error(`unknown data kind '${String((spec as { kind: unknown }).kind)}'`);
      const sets = createBuiltinSets(spec, 32);
      // Pinned: a checkpoint of this run then names its faces even after the built-in defaults change.
      data = { kind: 'builtin', ...pinBuiltinChoice(spec) };
      return {
        kind: spec.kind,
        trainIdentities: sets.train.identityNames.length,
        trainImages: sets.train.count,
        testIdentities: sets.test.identityNames.length,
        testImages: sets.test.count,
      };
    },

    async train(configInput, onEvent): Promise<RunResult> {
      const config = parseTrainConfig(configInput);
      if (!data) throw new Error('no data loaded: call loadData first');
      if (control) throw new Error('a run is already training: stop it first');
      const prepared = runDataOf(data, config, dataStore);
      // In auto mode, the run trains on the backend fastest for its model (measured now, or cached); pinned: as it is.
      await deps.selectBackend({ probe: { config, numIdentities: prepared.numIdentities } });
      const next = await TrainingSession.create(config, prepared.numIdentities, {
        runId: newRunId(config.seed),
        data,
        imagenetWeights: deps.imagenetWeights ?? IMAGENET_RESNET50_URL,
      });
      return runSession(next, onEvent, prepared);
    },

    /** Resolves once the run is parked (its last step reported) or has ended: the page then says "paused". */
    async pause() {
      const current = control;
      current?.pause();
      await current?.settled();
    },
    async resume() {
      control?.resume();
    },
    async stop() {
      control?.stop();
    },
    async setLive(params: LiveParams) {
      if (!control || !session) throw new Error('no run is training: live changes apply to a running run');
      session.checkLive(params);
      control.setLive(params);
    },

    async evaluate() {
      const s = requireSession();
      const spec = s.data ?? data;
      if (!spec) throw new Error('no data loaded: call loadData first');
      const result = await s.evaluate(runDataOf(spec, s.config, dataStore).test);
      models.noteEval(result);
      return result;
    },

    embed: (images: Uint8Array, count: number, flip?: boolean) => requireSession().embed(images, count, flip),

    async saveCheckpoint() {
      if (control) throw new Error('a run is training: it stores its own checkpoints (stop it to store one now)');
      const checkpoint = await requireSession().checkpoint();
      await (await getStore()).put(checkpoint);
      return summarize(checkpoint);
    },

    listCheckpoints: async () => (await getStore()).list(),

    async restoreCheckpoint(runId: string) {
      if (control) throw new Error('a run is training: stop it first');
      const checkpoint = await loadCheckpoint(runId);
      const next = await TrainingSession.fromCheckpoint(checkpoint);
      session?.dispose();
      session = next;
      return summarize(checkpoint);
    },

    async resumeRun(runId: string, onEvent: TrainEventHandler) {
      if (control) throw new Error('a run is already training: stop it first');
      const checkpoint = await loadCheckpoint(runId);
      await deps.selectBackend({ probe: { config: checkpoint.config, numIdentities: checkpoint.numIdentities } });
      const next = await TrainingSession.fromCheckpoint(checkpoint);
      return runSession(next, onEvent);
    },

    deleteCheckpoint: async (runId: string) => (await getStore()).delete(runId),

    async listRefusedRecords(): Promise<RefusedStoredRecord[]> {
      const [checkpoints, saved] = await Promise.all([getStore().then((s) => s.refused()), getModelStore().then((s) => s.refused())]);
      return [...checkpoints.map((r) => ({ store: 'checkpoint' as const, ...r })), ...saved.map((r) => ({ store: 'saved model' as const, ...r }))];
    },

    async memory() {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes };
    },

    /** Without `options.backend` (`npm run bench -- --backend auto`) it probes the bench's model first and adds `probes`. */
    async bench(options): Promise<BenchResult> {
      let source;
      if (options.data === 'builtin') {
        const identities = options.numIdentities ?? 4;
        const set = createSynthDataset({ seed: BUILTIN_DATA.train.seed, identities, imagesPerIdentity: 4, familySize: 1, size: options.inputSize });
        source = itemBatchSource(set, identities);
      }
      const probe = { config: benchTrainConfig(options, source !== undefined), numIdentities: source?.numIdentities ?? options.numIdentities ?? BENCH_DEFAULT_IDENTITIES };
      const threads = options.wasmThreads === undefined ? {} : { wasmThreads: options.wasmThreads };
      const report = await deps.selectBackend(options.backend ? { preferred: [options.backend], ...threads } : { probe, ...threads });
      return {
        backend: report.backend,
        ...(await benchTrainSteps(options, source)),
        ...(report.wasmThreads === undefined ? {} : { wasmThreads: report.wasmThreads }),
        ...(report.probes ? { probes: report.probes } : {}),
      };
    },
  } satisfies TrainingApi;

  async function loadCheckpoint(runId: string): Promise<TrainCheckpoint> {
    const checkpoint = await (await getStore()).get(runId);
    if (!checkpoint) throw new Error(`no checkpoint stored for run '${runId}'`);
    return withBuiltinDataOfItsDay(checkpoint);
  }

  return api;
}
