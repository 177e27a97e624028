/**
 * Trains a sweep of runs in several lab workers at once: worth it on the wasm backend, where N workers train about
 * N runs in the time of one, one core each. In a cross-origin-isolated page each worker's wasm may run threads too:
 * it gets its share of the cores (sweepThreadShare), so the workers never ask for more threads than there are
 * cores. Parallel runs come first, threads second: on 2 cores, two tiny-model runs of one thread each trained about
 * 2× the images per second of one run on two threads (measured 2026-12-01, workers/wasmSetup.ts). On a GPU backend
 * the runs would only queue for the same GPU, so the lab keeps its one worker and its queue there.
 */
import * as Comlink from 'comlink';
import type { BackendName, DataSpec, InitOptions, RunResult, TrainEvent } from '../../protocol/api.ts';
import { resumeFromCheckpoint } from '../runs/applyEvent.ts';
import type { RunRecord, RunStatus } from '../runs/runRecord.ts';
import { startLabWorker, type LabWorkerHandle } from './labBridge.ts';
import { trackRun, type RunInfo } from './runTracker.ts';

/**
 * At most this many sweep workers, however many cores: each wasm worker holds its own tfjs heap, model, optimiser
 * state and rendered-image cache (tens to hundreds of MB at the Quick demo scale), and a tab that runs out of
 * memory loses every run at once. Four keep a sweep's memory near that of one GPU run.
 */
export const MAX_SWEEP_JOBS = 4;

/**
 * How many times a sweep run whose worker died (out of memory, a crash, a lost GPU device) goes on from its last
 * checkpoint in a new worker, as a run of the main worker does (useTraining); a run that kills every worker it gets
 * ends as an error rather than looping.
 */
export const MAX_SWEEP_RESUMES = 2;

/** The worker itself died (worker.failed), as opposed to a call that failed in a live worker. */
class WorkerDied extends Error {}

/** What decides how many runs of a sweep train at once. */
export interface SweepJobInputs {
  /** The main worker's backend (undefined while it starts). */
  backend: BackendName | undefined;
  /** Runs in the sweep. */
  runs: number;
  /** navigator.hardwareConcurrency (undefined when the browser does not say). */
  cores: number | undefined;
  /** The user's folders are loaded: they live in the main worker only, so its queue must train them. */
  foldersLoaded: boolean;
}

/**
 * How many runs of a sweep train at once: one (the main worker's queue) unless the backend is wasm and no folders
 * are loaded; else one per core but one (the page's own thread keeps a core), at most MAX_SWEEP_JOBS and the runs.
 */
export function sweepJobCount({ backend, runs, cores, foldersLoaded }: SweepJobInputs): number {
  if (backend !== 'wasm' || foldersLoaded) return 1;
  const spare = Math.max(1, Math.floor(cores ?? 1) - 1);
  return Math.max(1, Math.min(runs, spare, MAX_SWEEP_JOBS));
}

/** What decides how many wasm threads each sweep worker gets. */
export interface SweepThreadInputs {
  /** navigator.hardwareConcurrency (undefined when the browser does not say). */
  cores: number | undefined;
  /** Sweep workers training at once. */
  jobs: number;
}

/**
 * Threads each sweep worker's wasm may use: the cores sweepJobCount leaves to the sweep (all but the page's one)
 * shared evenly among the workers, at least one each; one thread takes wasm's single-threaded build
 * (workers/wasmSetup.ts). E.g. 16 cores, 4 workers: 3 threads each; 8 cores, 2 runs left: 3 each.
 */
export function sweepThreadShare({ cores, jobs }: SweepThreadInputs): number {
  const spare = Math.max(1, Math.floor(cores ?? 1) - 1);
  return Math.max(1, Math.floor(spare / Math.max(1, Math.floor(jobs))));
}

/** One run of a sweep: what it trains and on which (built-in) data. */
export interface SweepRequest extends RunInfo {
  data: DataSpec;
}

/** Where a sweep run stands: not yet started, starting its worker and data, training, or ended. */
export type SweepPhase = 'waiting' | 'starting' | 'training' | 'stopping' | 'not started' | Exclude<RunStatus, 'running'>;

/** A sweep run's progress, as the panel lists it. */
export interface SweepJob {
  label: string;
  presetId?: string;
  phase: SweepPhase;
  /** Steps done, of `steps`. */
  step: number;
  steps: number;
  /** Why it ended in error (or diverged). */
  message?: string;
}

/** What the pool reports to, and how it starts workers (tests pass fakes). */
export interface SweepPoolOptions {
  /** Workers at once (sweepJobCount). */
  jobs: number;
  /** The backend every worker is initialised on: the main worker's, so runs compare alike. */
  backend: BackendName;
  /** Wasm threads per worker; default sweepThreadShare of navigator.hardwareConcurrency among the workers at once. */
  wasmThreads?: number;
  /** A run's record at its evaluations and at its end (useRuns' saveRun). */
  onRunChange(run: RunRecord): void;
  /** The sweep's progress changed; called on every event, so the caller throttles what it shows. */
  onJobs(jobs: readonly SweepJob[]): void;
  startWorker?(): LabWorkerHandle;
}

/** Runs a sweep, `jobs` runs at a time, each in its own worker; one pool per sweep. */
export class SweepPool {
  private jobs: SweepJob[] = [];
  private stopping = false;
  private disposed = false;
  private readonly active = new Set<LabWorkerHandle>();
  /** Workers whose backend is initialised (a replacement worker initialises again). */
  private readonly initialised = new WeakSet<LabWorkerHandle>();
  /** The init every worker gets (set by run): the pool's backend, and on wasm the worker's share of the threads. */
  private initOptions: InitOptions = {};
  private abort!: (reason: Error) => void;
  /** Rejects on dispose, ending every wait (a terminated worker never answers nor fails). */
  private readonly aborted = new Promise<never>((_, reject) => (this.abort = reject));

  constructor(private readonly options: SweepPoolOptions) {
    this.aborted.catch(() => undefined);
  }

  /** Train every request; resolves with each run's final record (undefined: it never started) once all ended. */
  async run(requests: readonly SweepRequest[]): Promise<(RunRecord | undefined)[]> {
    this.jobs = requests.map((r) => ({ label: r.label, presetId: r.presetId, phase: 'waiting', step: 0, steps: r.config.steps }));
    this.report();
    const records: (RunRecord | undefined)[] = requests.map(() => undefined);
    let next = 0;
    const jobs = Math.max(1, Math.min(this.options.jobs, requests.length));
    const { backend, wasmThreads = sweepThreadShare({ cores: navigator.hardwareConcurrency, jobs }) } = this.options;
    this.initOptions = backend === 'wasm' ? { preferred: [backend], wasmThreads } : { preferred: [backend] };
    // Each slot trains one run after another in its worker; a worker that failed is replaced for the next run.
    const slot = async () => {
      let worker: LabWorkerHandle | undefined;
      try {
        while (!this.stopping && !this.disposed && next < requests.length) {
          const index = next++;
          const ended = await this.train(worker ?? this.start(), requests[index], index);
          records[index] = ended.record;
          worker = ended.worker;
        }
      } finally {
        if (worker) this.finish(worker);
      }
    };
    await Promise.all(Array.from({ length: jobs }, slot));
    this.update(
      this.jobs.map((j, i) => (j.phase === 'waiting' ? i : -1)).filter((i) => i >= 0),
      { phase: 'not started' },
    );
    return records;
  }

  /** Graceful stop: running runs finish their batch and end 'stopped' (checkpoint stored); waiting ones never start. */
  stop(): void {
    this.stopping = true;
    for (const worker of this.active) worker.api.stop().catch(() => undefined);
    this.update(
      this.jobs.map((j, i) => (j.phase === 'starting' || j.phase === 'training' ? i : -1)).filter((i) => i >= 0),
      { phase: 'stopping' },
    );
  }

  /** Hard stop (the page goes away): terminate every worker and report nothing more. */
  dispose(): void {
    this.disposed = true;
    for (const worker of this.active) worker.terminate();
    this.active.clear();
    this.abort(new Error('the sweep was closed'));
  }

  private start(): LabWorkerHandle {
    const worker = (this.options.startWorker ?? startLabWorker)();
    this.active.add(worker);
    return worker;
  }

  private finish(worker: LabWorkerHandle): undefined {
    this.active.delete(worker);
    worker.terminate();
    return undefined;
  }

  /** A worker call that ends when the worker dies (WorkerDied) or the pool is disposed, not only when it answers. */
  private call<T>(worker: LabWorkerHandle, promise: Promise<T>): Promise<T> {
    const died = worker.failed.catch((err: unknown) => {
      throw new WorkerDied(err instanceof Error ? err.message : String(err), { cause: err });
    });
    return Promise.race([promise, died, this.aborted]);
  }

  private async ensureInit(worker: LabWorkerHandle): Promise<void> {
    if (this.initialised.has(worker)) return;
    await this.call(worker, worker.api.init(this.initOptions));
    this.initialised.add(worker);
  }

  /**
   * Initialise (first use), load the run's data and train it on `worker`. When the worker dies mid-run, a new one
   * resumes the run from its last checkpoint (at most MAX_SWEEP_RESUMES times; the record keeps the interruption);
   * without a checkpoint, or on any other failure, the run ends as an error. Resolves with the run's record and the
   * worker the next run may use (undefined: start a fresh one).
   */
  private async train(worker: LabWorkerHandle, request: SweepRequest, index: number): Promise<{ record?: RunRecord; worker?: LabWorkerHandle }> {
    const { backend } = this.options;
    const save = (run: RunRecord) => !this.disposed && this.options.onRunChange(run);
    let tracker = trackRun(request, backend, save);
    let current = worker;
    let stopSent = false;
    const onEvent = (event: TrainEvent) => {
      const record = tracker.onEvent(event);
      // A stop that came while the worker was still building the model found no run to stop: repeat it.
      if (this.stopping && !stopSent) {
        stopSent = true;
        current.api.stop().catch(() => undefined);
      }
      const phase: SweepPhase = record.status === 'running' || record.status === 'paused' ? (this.stopping ? 'stopping' : 'training') : record.status;
      this.update([index], { phase, step: record.step, message: record.message });
    };
    this.update([index], { phase: 'starting' });
    let resuming: string | undefined;
    for (let resumes = 0; ; resumes++) {
      try {
        await this.ensureInit(current);
        let result: RunResult;
        if (resuming === undefined) {
          tracker.noteClasses((await this.call(current, current.api.loadData(request.data))).trainIdentities);
          if (this.stopping) {
            this.update([index], { phase: 'not started' });
            return { worker: current };
          }
          result = await this.call(current, current.api.train(request.config, Comlink.proxy(onEvent)));
        } else {
          result = await this.call(current, current.api.resumeRun(resuming, Comlink.proxy(onEvent)));
        }
        const record = tracker.finish(result);
        if (record) this.update([index], { phase: record.status === 'running' ? 'completed' : record.status, step: record.step, message: record.message });
        return { record, worker: current };
      } catch (err) {
        this.finish(current);
        if (this.disposed) return {};
        const cutOff = tracker.record;
        if (err instanceof WorkerDied && cutOff && !this.stopping && resumes < MAX_SWEEP_RESUMES) {
          // The run's checkpoints are in IndexedDB, which every worker of the page shares: a new worker goes on from there.
          current = this.start();
          const checkpoint = await this.ensureInit(current)
            .then(() => this.call(current, current.api.listCheckpoints()))
            .then((list) => list.find((c) => c.runId === cutOff.id))
            .catch(() => undefined);
          if (checkpoint) {
            const resumed = resumeFromCheckpoint({ ...cutOff, status: 'running', message: undefined }, checkpoint.step, err.message, checkpoint.seconds);
            tracker = trackRun(request, backend, save, resumed);
            resuming = cutOff.id;
            this.update([index], { phase: 'starting', step: checkpoint.step, message: `${err.message} at step ${cutOff.step}: resuming from step ${checkpoint.step}` });
            continue;
          }
          const record = tracker.fail(new Error(`${err.message} at step ${cutOff.step}, before the run's first checkpoint`, { cause: err }));
          this.update([index], { phase: 'error', message: record.message });
          return { record, worker: current };
        }
        // Its run is an error with the worker's message; the other workers go on, and the next run gets a fresh worker.
        const record = tracker.fail(err);
        this.update([index], { phase: 'error', message: record.message });
        return { record };
      }
    }
  }

  private update(indices: readonly number[], patch: Partial<SweepJob>): void {
    if (this.disposed || !indices.length) return;
    this.jobs = this.jobs.map((job, i) => (indices.includes(i) ? { ...job, ...patch } : job));
    this.report();
  }

  private report(): void {
    if (!this.disposed) this.options.onJobs(this.jobs);
  }
}
