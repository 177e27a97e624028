import { useEffect, useState } from 'react';
import type { BackendReport } from '../../protocol/api.ts';
import { startLabWorker, type LabWorkerHandle } from './labBridge.ts';

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
export type LabWorkerState =
  | { phase: 'starting' }
  | { phase: 'restarting'; restart: WorkerRestart }
  | { phase: 'ready'; worker: SupervisedWorker; backend: BackendReport; restart?: WorkerRestart }
  | { phase: 'failed'; error: string };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Start the lab worker for the component's lifetime, initialise tfjs in it, and report the backend in use. When the
 * worker dies (a crash, the browser killing it, a lost GPU device that takes it down), a new one is started, at
 * most MAX_WORKER_RESTARTS times, and the status says so.
 */
export function useLabWorker(): LabWorkerState {
  const [state, setState] = useState<LabWorkerState>({ phase: 'starting' });
  useEffect(() => {
    let live = true;
    let current: LabWorkerHandle | undefined;

    const launch = async (restart?: WorkerRestart): Promise<ReadyWorker> => {
      const handle = startLabWorker();
      current = handle;
      let settle!: { resolve(next: ReadyWorker): void; reject(err: unknown): void };
      const replacement = new Promise<ReadyWorker>((resolve, reject) => (settle = { resolve, reject }));
      replacement.catch(() => undefined); // awaited only by a run the death cut off
      const worker: SupervisedWorker = { ...handle, replacement };
      const backend = await Promise.race([handle.api.init(), handle.failed]);
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
  return state;
}
