/**
 * The list of runs: loaded from IndexedDB at start, updated as runs progress, stored at the moments worth
 * keeping (evaluations and the end of a run), with the selection of runs drawn on the plots.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunRecord } from './runRecord.ts';
import { openRunsStore, RunsStoreError, type RunsStore } from './runsStore.ts';

/** Runs, selection and storage state. */
export interface Runs {
  runs: RunRecord[];
  selected: Set<string>;
  setSelected(next: Set<string>): void;
  /** Insert or replace a run (and store it); a new run is selected for the plots. */
  saveRun(run: RunRecord): void;
  deleteRun(id: string): void;
  /** Why runs cannot be stored (private browsing, full disk…), if so: they still show until the page closes. */
  storageProblem?: string;
}

const problemOf = (err: unknown) => (err instanceof RunsStoreError ? err.userMessage : err instanceof Error ? err.message : String(err));

/** Runs kept in IndexedDB across reloads. */
export function useRuns(): Runs {
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [storageProblem, setStorageProblem] = useState<string>();
  const store = useRef<Promise<RunsStore> | undefined>(undefined);

  useEffect(() => {
    const opening = openRunsStore();
    store.current = opening;
    let live = true;
    opening
      .then((s) => s.list())
      .then((stored) => {
        if (!live) return;
        // Runs that were training when the page closed did not finish: say so instead of showing them as running.
        const loaded = stored.map((r) => (r.status === 'running' || r.status === 'paused' ? { ...r, status: 'stopped' as const, message: r.message ?? 'interrupted by a page reload' } : r));
        setRuns((current) => [...current, ...loaded.filter((r) => !current.some((c) => c.id === r.id))]);
        setSelected((current) => (current.size ? current : new Set(loaded.slice(0, 3).map((r) => r.id))));
      })
      .catch((err: unknown) => live && setStorageProblem(problemOf(err)));
    return () => {
      live = false;
      void opening.then((s) => s.close()).catch(() => undefined);
    };
  }, []);

  const saveRun = useCallback((run: RunRecord) => {
    setRuns((list) => (list.some((r) => r.id === run.id) ? list.map((r) => (r.id === run.id ? run : r)) : [run, ...list]));
    setSelected((current) => (current.has(run.id) ? current : new Set([run.id, ...current])));
    store.current?.then((s) => s.put(run)).catch((err: unknown) => setStorageProblem(problemOf(err)));
  }, []);

  const deleteRun = useCallback((id: string) => {
    setRuns((list) => list.filter((r) => r.id !== id));
    setSelected((current) => {
      const next = new Set(current);
      next.delete(id);
      return next;
    });
    store.current?.then((s) => s.delete(id)).catch((err: unknown) => setStorageProblem(problemOf(err)));
  }, []);

  return { runs, selected, setSelected, saveRun, deleteRun, storageProblem };
}
