import { useEffect, useState } from 'react';
import type { BackendReport } from '../../protocol/api.ts';
import { startLabWorker, type LabWorkerHandle } from './labBridge.ts';

/** The worker's state as the UI shows it. */
export type LabWorkerState =
  | { phase: 'starting' }
  | { phase: 'ready'; worker: LabWorkerHandle; backend: BackendReport }
  | { phase: 'failed'; error: string };

/** Start the lab worker once for the component's lifetime, initialise tfjs in it, and report the backend in use. */
export function useLabWorker(): LabWorkerState {
  const [state, setState] = useState<LabWorkerState>({ phase: 'starting' });
  useEffect(() => {
    const worker = startLabWorker();
    let live = true;
    Promise.race([worker.api.init(), worker.failed]).then(
      (backend) => live && setState({ phase: 'ready', worker, backend }),
      (err: unknown) => live && setState({ phase: 'failed', error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
      worker.terminate();
    };
  }, []);
  return state;
}
