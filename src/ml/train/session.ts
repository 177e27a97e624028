/**
 * A training run: the model, its class head and optimiser state, and the loop that trains them. It
 * runs unchanged on the tfjs CPU backend in Node and on WebGPU in the worker.
 *
 * Per step the loop lets the worker take queued messages (pause, stop, live changes), draws a batch from a
 * generator seeded by (seed, step) only (the source decodes the next one meanwhile), flips images at random
 * (seeded), dispatches the update (trainStep.ts) and reads the step's metrics back, so progress is never more
 * than the step in flight behind and a pause or stop acts after it. Each read records the points, checks
 * divergence and collapse, and sends throttled step events.
 */
import * as tf from '@tensorflow/tfjs';
import { applyLiveValues, liveValuesAt } from '../../core/liveParams.ts';
import { createRng, type Rng } from '../../core/prng.ts';
import { learningRateAt, marginRamp, rampLossConfig } from '../../core/schedule.ts';
import type { StepPoint } from '../../core/stepColumns.ts';
import type { TrainConfig } from '../../core/trainConfig.ts';
import type { CheckpointSummary, DataSpec, RunResult, TrainCheckpoint } from '../../protocol/api.ts';
import type { DivergedEvent, DoneReason, EvalEvent, LiveChange, LiveParams, TrainEvent } from '../../protocol/events.ts';
import { createEmbeddingModel, createHead, modelSpecOf } from '../models/embedding.ts';
import { loadImageNetWeights } from '../models/imagenet.ts';
import { assignRecord, historyPoints, historyRecord, recordBytes, tensorRecord } from './checkpoint.ts';
import { CollapseDetector, DEFAULT_COLLAPSE_RULE, type CollapseRule } from './collapse.ts';
import { nextTask, TrainControl } from './control.ts';
import { randomFlips, type BatchSource, type TestSet } from './data.ts';
import { embedImages, embedSet, evalEvent, evalMetrics, evaluatePairs } from './evaluate.ts';
import { evaluationGeometry } from './geometry.ts';
import { createMaskedOptimizer } from './optimizers.ts';
import { DEFAULT_STEP_EVENT_INTERVAL_MS, StepEventBuffer } from './stepBuffer.ts';
import { dispatchTrainStep, STEP_METRIC_COUNT, STEP_METRICS, stepPointOf, trainableVariables, type TrainState } from './trainStep.ts';

/**
 * Dispatched steps left unread when the next one is dispatched. 0: each step is read back before the next is
 * dispatched. Leaving one unread would keep a GPU busy during the next dispatch, but by the time the page shows
 * step k the worker has already dispatched step k + 1 behind the one computing: a pause or stop clicked then would
 * take effect two steps later, and checkpoint steps would read two steps at once (controls must act after the step in
 * flight, and progress must show every step).
 */
export const DEFAULT_UNREAD_STEPS = 0;

/** The generator of step `step`'s batch draws: a function of (seed, step) alone, so resumed runs and prefetches agree. */
function batchRng(dataRng: Rng, step: number): Rng {
  return dataRng.fork(step).fork('batch');
}

/** How a session is built. */
export interface SessionOptions {
  /** Defaults to a name made from the seed and the clock. */
  runId?: string;
  /** ImageNet ResNet50 weights (model.json URL or IOHandler), needed when config.model.pretrained is 'imagenet'. */
  imagenetWeights?: tf.io.IOHandler | string;
  /** The data the run trains on, stored in its checkpoints. */
  data?: DataSpec | null;
}

/** How one call of run() behaves. */
export interface RunOptions {
  /** Test pairs for the periodic and final evaluation; none → no eval events. */
  test?: TestSet | null;
  control?: TrainControl;
  /** Stores a checkpoint (every config.checkpointEvery steps and when the run ends); none → no checkpoints. */
  saveCheckpoint?: (checkpoint: TrainCheckpoint) => Promise<void>;
  /** Dispatched steps that may stay unread while the next is dispatched (default DEFAULT_UNREAD_STEPS). */
  unreadSteps?: number;
  /** Minimum ms between step events (default 100). */
  stepEventIntervalMs?: number;
  collapseRule?: CollapseRule;
}

/** A model with its head, optimiser and history, ready to train, evaluate and embed. */
export class TrainingSession {
  /** Steps done (confirmed by a device read). */
  step = 0;
  /** Every step point so far. */
  readonly history: StepPoint[] = [];
  /** Every evaluation so far. */
  readonly evals: TrainCheckpoint['evals'] = [];
  /** True once a step was not finite: the run cannot continue. */
  diverged = false;
  /** Margin/α/learning-rate changes made while it trained, in step order (they are part of its history). */
  readonly liveChanges: LiveChange[] = [];
  private disposed = false;
  /**
   * Training time of the calls of run() that ended, seconds, from the run's first step (undefined when it continues a
   * checkpoint stored before times were kept: its earlier time is unknown).
   */
  private secondsBefore: number | undefined = 0;
  /** While run() trains: its training time so far, seconds. */
  private callSeconds: (() => number) | null = null;

  private constructor(
    readonly runId: string,
    readonly config: TrainConfig,
    readonly numIdentities: number,
    readonly data: DataSpec | null,
    private readonly state: TrainState,
  ) {}

  /** A fresh session: seeded model (ImageNet weights when asked), head and zeroed optimiser state. */
  static create(config: TrainConfig, numIdentities: number, options: SessionOptions = {}): Promise<TrainingSession> {
    return TrainingSession.build(config, numIdentities, options, true);
  }

  private static async build(config: TrainConfig, numIdentities: number, options: SessionOptions, loadPretrained: boolean): Promise<TrainingSession> {
    const { model: m } = config;
    const model = createEmbeddingModel(modelSpecOf(m, config.seed));
    if (m.pretrained === 'imagenet' && loadPretrained) {
      if (options.imagenetWeights === undefined) {
        model.dispose();
        throw new Error('model.pretrained is imagenet but no ImageNet weights source was given');
      }
      try {
        await loadImageNetWeights(model, options.imagenetWeights);
      } catch (err) {
        model.dispose();
        throw err;
      }
    }
    const head = createHead(numIdentities, m.embeddingDim, config.seed);
    const { variables, statistics } = trainableVariables(model, head);
    const state: TrainState = {
      model,
      head,
      backbone: m.backbone,
      inputSize: m.inputSize,
      variables,
      statistics,
      optimizer: createMaskedOptimizer(config.optimizer, variables),
      // tidy: the variable copies its initial value, which would otherwise outlive the session.
      healthy: tf.tidy(() => tf.variable(tf.scalar(1), false)),
    };
    const runId = options.runId ?? `run-${config.seed}-${Date.now().toString(36)}`;
    return new TrainingSession(runId, config, numIdentities, options.data ?? null, state);
  }

  /** A session continuing `checkpoint` exactly (weights, optimiser state, step, history). */
  static async fromCheckpoint(checkpoint: TrainCheckpoint): Promise<TrainingSession> {
    if (checkpoint.format !== 'margin-lab-checkpoint' || checkpoint.version !== 1) throw new Error('not a Margin Lab checkpoint (format/version)');
    // ImageNet weights are in the checkpoint already: build from scratch, then overwrite everything.
    const session = await TrainingSession.build(checkpoint.config, checkpoint.numIdentities, { runId: checkpoint.runId, data: checkpoint.data }, false);
    try {
      session.restore(checkpoint);
    } catch (err) {
      session.dispose();
      throw err;
    }
    return session;
  }

  /** Overwrites this fresh session's weights, optimiser state, step and history with `checkpoint`'s. */
  private restore(checkpoint: TrainCheckpoint): void {
    const s = this.state;
    const weights = s.model.weights;
    if (weights.length !== checkpoint.model.length) throw new Error(`checkpoint has ${checkpoint.model.length} model tensors, the model ${weights.length}`);
    weights.forEach((w, i) => assignRecord(w.read() as tf.Variable, checkpoint.model[i]));
    assignRecord(s.head, checkpoint.head);
    if (checkpoint.optimizer.kind !== s.optimizer.kind || checkpoint.optimizer.slots.length !== s.optimizer.slots.length) {
      throw new Error('checkpoint optimiser state does not match the config');
    }
    s.optimizer.slots.forEach((v, i) => assignRecord(v, checkpoint.optimizer.slots[i]));
    this.step = checkpoint.step;
    this.history.push(...historyPoints(checkpoint.history));
    this.evals.push(...checkpoint.evals);
    this.diverged = checkpoint.diverged;
    this.liveChanges.push(...(checkpoint.liveChanges ?? []));
    this.secondsBefore = checkpoint.seconds;
  }

  /** Training time over every call so far, seconds (undefined when the run continues a checkpoint without one). */
  get seconds(): number | undefined {
    return this.secondsBefore === undefined ? undefined : this.secondsBefore + (this.callSeconds?.() ?? 0);
  }

  /** Everything needed to continue this run exactly (reads the weights from the device). */
  async checkpoint(): Promise<TrainCheckpoint> {
    const s = this.state;
    const model = await Promise.all(s.model.weights.map((w) => tensorRecord(w.originalName, w.read())));
    const head = await tensorRecord('head', s.head);
    const slots = await Promise.all(s.optimizer.slots.map((v, i) => tensorRecord(`slot${i}`, v)));
    return {
      format: 'margin-lab-checkpoint',
      version: 1,
      runId: this.runId,
      savedAt: new Date().toISOString(),
      config: this.config,
      numIdentities: this.numIdentities,
      data: this.data,
      step: this.step,
      model,
      head,
      optimizer: { kind: s.optimizer.kind, slots },
      history: historyRecord(this.history),
      evals: this.evals.map((e) => ({
        step: e.step,
        metrics: { ...e.metrics, tarAtFar: { ...e.metrics.tarAtFar } },
        ...(e.angleStats ? { angleStats: { ...e.angleStats } } : {}),
      })),
      diverged: this.diverged,
      ...(this.liveChanges.length ? { liveChanges: this.liveChanges.map((c) => ({ step: c.step, params: { ...c.params } })) } : {}),
      ...(this.seconds === undefined ? {} : { seconds: this.seconds }),
    };
  }

  /** Model and head weights, trainable then statistics, as they are now (for tests and exports). */
  async weightValues(): Promise<Float32Array[]> {
    const tensors = [...this.state.model.weights.map((w) => w.read()), this.state.head];
    return Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  }

  /** Optimiser state values, in slot order. */
  async optimizerValues(): Promise<Float32Array[]> {
    return Promise.all(this.state.optimizer.slots.map(async (t) => (await t.data()) as Float32Array));
  }

  /** The eval event of the model on `test` now (also recorded in `evals`). */
  async evaluate(test: TestSet): Promise<EvalEvent> {
    const started = performance.now();
    const { flipEval } = this.config;
    const { report, labels, scores } = await evaluatePairs(this.state, test, flipEval);
    const probe = test.probe ? await embedSet(this.state, test.probe.images, flipEval) : { embeddings: new Float32Array(0), identities: new Int32Array(0) };
    const head = (await this.state.head.data()) as Float32Array;
    const { angleStats, geometry } = evaluationGeometry({ dim: this.config.model.embeddingDim, ...probe, head, pairLabels: labels, pairScores: scores });
    this.evals.push({ step: this.step, metrics: evalMetrics(report), angleStats });
    const event = evalEvent(this.runId, this.step, report, flipEval, (performance.now() - started) / 1000);
    return { ...event, angleStats, ...(geometry ? { geometry } : {}) };
  }

  /** The loss and base learning rate in force now: the config with every live change applied. */
  liveValues(): { loss: TrainConfig['loss']; lr: number } {
    return liveValuesAt(this.config.loss, this.config.optimizer.lr, this.liveChanges, Number.POSITIVE_INFINITY);
  }

  /** Throws (naming the value) when `params` cannot be applied to this run's loss; the worker API checks before queueing. */
  checkLive(params: LiveParams): void {
    const now = this.liveValues();
    applyLiveValues(now.loss, now.lr, params);
  }

  /** L2-normalised embeddings [count, D] of packed RGB images at the input size. */
  embed(images: Uint8Array, count: number, flip = this.config.flipEval): Promise<Float32Array> {
    return embedImages(this.state, images, count, flip);
  }

  /** Trains from `this.step` to config.steps (or a stop / divergence), sending events to `onEvent`. */
  async run(source: BatchSource, onEvent: (event: TrainEvent) => void, options: RunOptions = {}): Promise<RunResult> {
    const { config, runId } = this;
    if (this.disposed) throw new Error('this training session was disposed');
    if (this.diverged) throw new Error(`run ${runId} diverged at step ${this.step}: it cannot continue`);
    if (this.callSeconds) throw new Error(`run ${runId} is already training`);
    if (source.numIdentities !== this.numIdentities) throw new Error(`the data have ${source.numIdentities} identities but the head has ${this.numIdentities} rows`);
    if (source.imageSize !== config.model.inputSize) throw new Error(`the data are ${source.imageSize} px but the model takes ${config.model.inputSize} px`);
    const started = performance.now();
    // Time parked by a pause is not training time (the run's Time, images/s and the ETA would absorb it).
    let pausedMs = 0;
    const elapsed = () => (performance.now() - started - pausedMs) / 1000;
    this.callSeconds = elapsed;
    const control = options.control ?? new TrainControl();
    const unread = Math.max(0, options.unreadSteps ?? DEFAULT_UNREAD_STEPS);
    const buffer = new StepEventBuffer(runId, onEvent, options.stepEventIntervalMs ?? DEFAULT_STEP_EVENT_INTERVAL_MS);
    const collapse = new CollapseDetector(this.numIdentities, config.steps, options.collapseRule ?? DEFAULT_COLLAPSE_RULE);
    const dataRng = createRng(config.seed).fork('data');
    const pending: { step: number; lr: number; ramp: number; metrics: tf.Tensor1D }[] = [];
    // The loss and base learning rate in force (the config after any live changes so far).
    let current = liveValuesAt(config.loss, config.optimizer.lr, this.liveChanges, this.step);
    let lastRead = performance.now();
    const emit = (event: TrainEvent) => {
      if (event.type !== 'step') buffer.flush();
      onEvent(event);
    };

    /**
     * Reads the metrics of the pending steps but the newest `keep` (one device read for all of them); returns the
     * diverged event when one was not finite.
     */
    const drain = async (keep = 0): Promise<DivergedEvent | null> => {
      if (pending.length <= keep) return null;
      const steps = pending.splice(0, pending.length - keep);
      const stacked = tf.stack(steps.map((p) => p.metrics));
      steps.forEach((p) => p.metrics.dispose());
      const values = (await stacked.data()) as Float32Array;
      stacked.dispose();
      const now = performance.now();
      const imagesPerSec = (steps.length * config.batchSize * 1000) / Math.max(1e-3, now - lastRead);
      lastRead = now;
      for (let i = 0; i < steps.length; i++) {
        const row = values.subarray(i * STEP_METRIC_COUNT, (i + 1) * STEP_METRIC_COUNT);
        const { step, lr, ramp } = steps[i];
        if (row[STEP_METRICS.healthy] !== 1) {
          this.diverged = true;
          this.step = step;
          const loss = row[STEP_METRICS.loss];
          const what = Number.isFinite(loss) ? `the gradient norm was ${row[STEP_METRICS.gradNorm]}` : `the loss was ${loss}`;
          return { type: 'diverged', runId, step, lastGoodStep: step, loss, message: `step ${step}: ${what}; training stopped, the weights are those after step ${step - 1}` };
        }
        const point = stepPointOf(row, { step, lr, marginRamp: ramp, imagesPerSec });
        this.history.push(point);
        this.step = step + 1;
        buffer.add(point);
        const finding = collapse.observe(step, point.accuracy, point.loss);
        if (finding) {
          const message =
            `training accuracy ${(100 * finding.meanAccuracy).toFixed(1)}% over the last ${collapse.windowSize} steps is below ` +
            `${(100 * collapse.threshold).toFixed(1)}% (2× chance, ${collapse.classes} classes) while the loss fell from ` +
            `${finding.lossBefore.toFixed(3)} to ${finding.lossAfter.toFixed(3)}: the features are collapsing (try a smaller margin or a margin warm-up)`;
          emit({ type: 'warning', runId, step, code: 'collapse', message });
        }
      }
      return null;
    };

    const endDiverged = (event: DivergedEvent): RunResult => {
      emit(event);
      emit({ type: 'done', runId, reason: 'diverged', step: this.step, seconds: elapsed() });
      return { runId, reason: 'diverged', step: this.step };
    };

    const save = async () => {
      if (!options.saveCheckpoint) return;
      const checkpoint = await this.checkpoint();
      try {
        await options.saveCheckpoint(checkpoint);
        emit({ type: 'checkpoint', runId, step: this.step, bytes: recordBytes([...checkpoint.model, checkpoint.head, ...checkpoint.optimizer.slots]), elapsed: elapsed() });
      } catch (err) {
        emit({ type: 'warning', runId, step: this.step, code: 'checkpoint', message: `checkpoint not stored: ${(err as Error).message}` });
      }
    };

    let reason: DoneReason = 'completed';
    try {
      while (this.step + pending.length < config.steps) {
        // Let the worker take queued messages (pause, stop, live changes) before the next step is decided.
        await nextTask();
        if (control.pauseRequested || control.stopRequested) {
          // The run halts after the step in flight: read and show it before parking or ending, so the counter and
          // the curve stand where the run stands for the whole pause.
          const diverged = await drain();
          if (diverged) return endDiverged(diverged);
          buffer.flush();
        }
        const gateOpened = performance.now();
        const go = await control.gate();
        const parked = performance.now() - gateOpened;
        pausedMs += parked;
        lastRead += parked;
        if (!go) {
          reason = 'stopped';
          break;
        }
        const step = this.step + pending.length;
        const rng = dataRng.fork(step);
        const batch = await source.nextBatch(config.batchSize, batchRng(dataRng, step));
        // The next step's generator is a pure function of (seed, step + 1): hand the source that very
        // generator so it can decode the next batch while the device trains on this one.
        if (step + 1 < config.steps) source.prefetch?.(config.batchSize, batchRng(dataRng, step + 1));
        if (config.flipAugment) randomFlips(batch.images, batch.labels.length, config.model.inputSize, rng.fork('flip'));
        const live = control.takeLive();
        if (live) {
          current = applyLiveValues(current.loss, current.lr, live);
          this.liveChanges.push({ step, params: { ...live } });
          emit({ type: 'live', runId, step, params: { ...live }, loss: { ...current.loss }, lr: current.lr });
        }
        const lr = learningRateAt(config.optimizer.schedule, current.lr, step, config.steps);
        const ramp = marginRamp(step, config.marginWarmupSteps);
        pending.push({ step, lr, ramp, metrics: dispatchTrainStep(this.state, batch.images, batch.labels, step, lr, rampLossConfig(current.loss, ramp)) });
        const done = step + 1;
        const evalDue = options.test != null && config.evalEvery > 0 && done % config.evalEvery === 0 && done < config.steps;
        const saveDue = config.checkpointEvery > 0 && done % config.checkpointEvery === 0 && done < config.steps;
        // Read every step but the newest `unread` as soon as it is dispatched, so progress is at most that many
        // steps behind; evaluations, checkpoints and the end need every step read.
        const diverged = await drain(evalDue || saveDue || done >= config.steps ? 0 : unread);
        if (diverged) return endDiverged(diverged);
        if (evalDue && options.test) emit({ ...(await this.evaluate(options.test)), elapsed: elapsed() });
        if (saveDue) await save();
        // Nor is evaluating or saving.
        if (evalDue || saveDue) lastRead = performance.now();
      }
      const diverged = await drain();
      if (diverged) return endDiverged(diverged);
      // A stopped run is evaluated too (a user who stops early still gets a ROC), unless this step
      // was just evaluated; a diverged run returned above with weights not worth evaluating.
      const evaluatedNow = this.evals.at(-1)?.step === this.step;
      if (options.test && (reason === 'completed' || !evaluatedNow)) emit({ ...(await this.evaluate(options.test)), elapsed: elapsed() });
      await save();
      emit({ type: 'done', runId, reason, step: this.step, seconds: elapsed() });
      return { runId, reason, step: this.step };
    } finally {
      pending.forEach((p) => p.metrics.dispose());
      if (this.secondsBefore !== undefined) this.secondsBefore += elapsed();
      this.callSeconds = null;
      control.end();
    }
  }

  /** What a stored checkpoint of this session would be listed as (without reading weights). */
  summary(bytes: number, savedAt: string): CheckpointSummary {
    return { runId: this.runId, step: this.step, steps: this.config.steps, savedAt, backbone: this.config.model.backbone, lossKind: this.config.loss.kind, bytes };
  }

  /** Frees the model, head and optimiser state. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state.optimizer.dispose();
    this.state.head.dispose();
    this.state.healthy.dispose();
    this.state.model.dispose();
  }
}
