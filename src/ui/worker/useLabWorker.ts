import * as Comlink from 'comlink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendName, BackendReport, InitOptions, LabWorkerApi, TrainEvent, TrainEventHandler } from '../../protocol/api.ts';
import { startLabWorker, type LabWorkerHandle } from './labBridge.ts';

/** The backend the user chose: 'auto' trains on the fastest measured for each run's model. */
export type BackendChoiceValue = 'auto' | BackendName;

/** Where the page keeps the user's choice (the worker has no localStorage; the choice is the page's). */
export const BACKEND_CHOICE_KEY = 'margin-lab:backend';

const CHOICES: readonly BackendChoiceValue[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** The stored choice; 'auto' when none (or storage is off). */
export function readBackendChoice(): BackendChoiceValue {
  try {
    const stored = localStorage.getItem(BACKEND_CHOICE_KEY);
    return CHOICES.includes(stored as BackendChoiceValue) ? (stored as BackendChoiceValue) : 'auto';
  } catch {
    return 'auto';
  }
}

/**
 * init's options for a choice: a forced backend pins the worker (the others follow, in the default order, only if it
 * cannot start, and the status then says why); auto leaves the choice to each run's probe.
 */
export function initOptionsFor(choice: BackendChoiceValue): InitOptions | undefined {
  if (choice === 'auto') return undefined;
  return { preferred: [choice, ...(['webgpu', 'webgl', 'wasm', 'cpu'] as const).filter((b) => b !== choice)] };
}

/**
 * How many times a page starts a new worker after one died. A worker that dies again and again (out of memory on
 * every start) is then reported as failed rather than restarted forever.
 */
export const MAX_WORKER_RESTARTS = 3;

/** A worker that is ready, and the backend it initialised. */
export interface ReadyWorker {
  worker: SupervisedWorker;
  backend: BackendReport;
}

/** A lab worker that the page replaces when it dies. */
export interface SupervisedWorker extends LabWorkerHandle {
  /**
   * Resolves with the worker started in this one's place once this one has died and the new one is ready (it
   * initialises the best backend it can: WebGPU again if the GPU is back, else the next fastest); rejects when none
   * could start. A run cut off by the death resumes on it from its last checkpoint (useTraining).
   */
  replacement: Promise<ReadyWorker>;
}

/** Why the worker was last replaced, for the status line. */
export interface WorkerRestart {
  /** Restarts so far in this page's life. */
  count: number;
  /** What ended the previous worker. */
  reason: string;
}

/** The worker's state as the UI shows it. */
export type LabWorkerState = (
  | { phase: 'starting' }
  | { phase: 'restarting'; restart: WorkerRestart }
  | {
      phase: 'ready';
      worker: SupervisedWorker;
      backend: BackendReport;
      restart?: WorkerRestart;
      /** A run is about to start and the worker is timing the backends on its model. */
      probing?: boolean;
      /** Why the last change of the backend choice did not apply. */
      choiceError?: string;
    }
  | { phase: 'failed'; error: string }
) &
  BackendChoiceControl;

/** The user's backend choice and how to change it (remembered in localStorage, applied to the worker at once). */
export interface BackendChoiceControl {
  choice: BackendChoiceValue;
  setChoice(choice: BackendChoiceValue): void;
}

type WorkerPhase = LabWorkerState extends infer S ? (S extends BackendChoiceControl ? Omit<S, keyof BackendChoiceControl> : never) : never;
type ReadyPhase = Extract<WorkerPhase, { phase: 'ready' }>;

/**
 * The worker's API as the page uses it: a probe asked for through init (useTraining asks before a run starts: the
 * worker times the backends on the run's model, or takes the cached probe, and switches to the fastest) shows as
 * "probing" in the status, and `onReport` hears the new report, so the status and whatever follows the main worker's
 * backend (the sweep pool) see the backend the run trains on. A resumed run probes in the worker itself; the report
 * is asked for at its first event.
 */
function probingApi(
  api: Comlink.Remote<LabWorkerApi>,
  failed: Promise<never>,
  onReport: (report: BackendReport | undefined, probing: boolean) => void,
  auto: () => boolean,
): Comlink.Remote<LabWorkerApi> {
  const refreshOnFirstEvent = (onEvent: TrainEventHandler): TrainEventHandler => {
    let asked = false;
    return Comlink.proxy((event: TrainEvent) => {
      if (!asked && auto()) {
        asked = true;
        void Promise.race([api.init({ current: true }), failed]).then(
          (r) => onReport(r, false),
          () => undefined,
        );
      }
      return onEvent(event);
    });
  };
  /** A probe through init (this wrapper's, or a caller's that asks for one): the status says so while it runs. */
  const init = async (options?: InitOptions): Promise<BackendReport> => {
    if (!options?.probe || !auto()) return api.init(options);
    onReport(undefined, true);
    try {
      const report = await Promise.race([api.init(options), failed]);
      onReport(report, false);
      return report;
    } catch (err) {
      onReport(undefined, false);
      throw err;
    }
  };
  const overrides: Pick<LabWorkerApi, 'init' | 'resumeRun'> = {
    init,
    resumeRun: (runId, onEvent) => api.resumeRun(runId, refreshOnFirstEvent(onEvent)),
  };
  return new Proxy(api, { get: (target, prop, receiver) => (prop in overrides ? overrides[prop as keyof typeof overrides] : Reflect.get(target, prop, receiver)) });
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Start the lab worker for the component's lifetime, initialise tfjs in it, and report the backend in use. When the
 * worker dies (a crash, the browser killing it, a lost GPU device that takes it down), a new one is started, at
 * most MAX_WORKER_RESTARTS times, and the status says so.
 */
export function useLabWorker(): LabWorkerState {
  const [state, setState] = useState<WorkerPhase>({ phase: 'starting' });
  const [choice, setChoiceState] = useState<BackendChoiceValue>(readBackendChoice);
  const choiceRef = useRef(choice);
  const readyRef = useRef<ReadyPhase | undefined>(undefined);
  useEffect(() => {
    readyRef.current = state.phase === 'ready' ? state : undefined;
  }, [state]);

  useEffect(() => {
    let live = true;
    let current: LabWorkerHandle | undefined;

    const launch = async (restart?: WorkerRestart): Promise<ReadyWorker> => {
      const handle = startLabWorker();
      current = handle;
      let settle!: { resolve(next: ReadyWorker): void; reject(err: unknown): void };
      const replacement = new Promise<ReadyWorker>((resolve, reject) => (settle = { resolve, reject }));
      replacement.catch(() => undefined); // awaited only by a run the death cut off
      const onReport = (report: BackendReport | undefined, probing: boolean) => {
        if (!live) return;
        setState((s) => (s.phase === 'ready' && s.worker === worker ? { ...s, ...(report ? { backend: report } : {}), probing } : s));
      };
      const api = probingApi(handle.api, handle.failed, onReport, () => choiceRef.current === 'auto');
      const worker: SupervisedWorker = { ...handle, api, replacement };
      const backend = await Promise.race([handle.api.init(initOptionsFor(choiceRef.current)), handle.failed]);
      if (live) setState({ phase: 'ready', worker, backend, ...(restart ? { restart } : {}) });
      handle.failed.catch((err: unknown) => {
        handle.terminate();
        if (!live) return settle.reject(err);
        const count = (restart?.count ?? 0) + 1;
        if (count > MAX_WORKER_RESTARTS) {
          const error = `${messageOf(err)}; it stopped ${count} times, so no new one was started: reload the page`;
          setState({ phase: 'failed', error });
          return settle.reject(new Error(error));
        }
        const next = { count, reason: messageOf(err) };
        setState({ phase: 'restarting', restart: next });
        launch(next).then(settle.resolve, (failure: unknown) => {
          if (live) setState({ phase: 'failed', error: messageOf(failure) });
          settle.reject(failure);
        });
      });
      return { worker, backend };
    };

    launch().catch((err: unknown) => live && setState({ phase: 'failed', error: messageOf(err) }));
    return () => {
      live = false;
      current?.terminate();
    };
  }, []);

  const setChoice = useCallback((next: BackendChoiceValue) => {
    const remember = (value: BackendChoiceValue) => {
      choiceRef.current = value;
      setChoiceState(value);
      try {
        localStorage.setItem(BACKEND_CHOICE_KEY, value);
      } catch {
        // Storage off (private mode): the choice holds for this page only.
      }
    };
    const previous = choiceRef.current;
    remember(next);
    const ready = readyRef.current;
    if (!ready) return; // a worker that starts later reads choiceRef
    const { worker } = ready;
    Promise.race([worker.api.init(initOptionsFor(next)), worker.failed]).then(
      (backend) => setState((s) => (s.phase === 'ready' && s.worker === worker ? { ...s, backend, choiceError: undefined } : s)),
      (err: unknown) => {
        // Refused (a run is training): the worker keeps its backend, and so does the choice shown.
        remember(previous);
        setState((s) => (s.phase === 'ready' && s.worker === worker ? { ...s, choiceError: messageOf(err) } : s));
      },
    );
  }, []);
  return { ...state, choice, setChoice };
}
