/**
 * The page's side of a parallel sweep (sweepPool.ts): one pool at a time, its progress throttled for React like
 * the main run's (PUBLISH_INTERVAL_MS), its workers terminated when the page goes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendName } from '../../protocol/api.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import { SweepPool, type SweepJob, type SweepRequest } from './sweepPool.ts';
import { PUBLISH_INTERVAL_MS } from './useTraining.ts';

/** A parallel sweep's state and commands. */
export interface ParallelSweep {
  /** The runs of the sweep in progress, or of the last one once it ended (undefined before any). */
  jobs?: readonly SweepJob[];
  running: boolean;
  /** Train `requests`, `jobs` at a time in workers on `backend`; resolves once every run ended. */
  run(requests: readonly SweepRequest[], jobs: number, backend: BackendName): Promise<void>;
  /** Graceful stop of every run (and no new ones). */
  stop(): void;
}

/** Parallel sweeps whose runs are stored through `onRunChange` (useRuns' saveRun), as the main worker's are. */
export function useSweepPool(onRunChange: (run: RunRecord) => void): ParallelSweep {
  const [jobs, setJobs] = useState<readonly SweepJob[]>();
  const [running, setRunning] = useState(false);
  const pool = useRef<SweepPool | undefined>(undefined);
  const latest = useRef<readonly SweepJob[] | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);
  const onRunChangeRef = useRef(onRunChange);
  useEffect(() => {
    onRunChangeRef.current = onRunChange;
  }, [onRunChange]);

  useEffect(
    () => () => {
      pool.current?.dispose();
      pool.current = undefined;
      if (timer.current !== undefined) clearTimeout(timer.current);
    },
    [],
  );

  const run = useCallback(async (requests: readonly SweepRequest[], count: number, backend: BackendName) => {
    if (pool.current) return; // the buttons are disabled while a sweep runs: a second one would double the workers
    const current = new SweepPool({
      jobs: count,
      backend,
      onRunChange: (r) => onRunChangeRef.current(r),
      onJobs: (next) => {
        latest.current = next;
        // Three workers send steps many times a second: React sees the progress at most every PUBLISH_INTERVAL_MS.
        timer.current ??= window.setTimeout(() => {
          timer.current = undefined;
          setJobs(latest.current);
        }, PUBLISH_INTERVAL_MS);
      },
    });
    pool.current = current;
    setRunning(true);
    try {
      await current.run(requests);
    } finally {
      // Unmounted meanwhile: nothing to update.
      if (pool.current === current) {
        pool.current = undefined;
        if (timer.current !== undefined) clearTimeout(timer.current);
        timer.current = undefined;
        setJobs(latest.current);
        setRunning(false);
      }
    }
  }, []);

  const stop = useCallback(() => pool.current?.stop(), []);

  return { jobs, running, run, stop };
}
