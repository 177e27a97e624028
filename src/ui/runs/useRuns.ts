/**
 * The list of runs: loaded from IndexedDB at start, updated as runs progress, stored at the moments worth
 * keeping (evaluations and the end of a run), with the selection of runs drawn on the plots.
 *
 * The page's own facts about a run (its number, the name the user gave it) live here, not in the record the
 * training sends: every save merges them in, so a live run's next save cannot undo a rename.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { finalEval } from './exportRuns.ts';
import type { RunRecord } from './runRecord.ts';
import type { RefusedRun } from './runRecordCheck.ts';
import { openRunsStore, RunsStoreError, type RunsStore } from './runsStore.ts';

/** Runs, selection and storage state. */
export interface Runs {
  runs: RunRecord[];
  selected: Set<string>;
  setSelected(next: Set<string>): void;
  /**
   * Insert or replace a run (and store it), keeping its number and name. A run is ticked for the plots once, the
   * first time it is saved with something to plot: a box the user cleared stays clear at the run's later saves.
   */
  saveRun(run: RunRecord): void;
  /** Give a run a name (stored with it); a blank name goes back to the generated label. */
  renameRun(id: string, name: string): void;
  deleteRun(id: string): void;
  /** Why runs cannot be stored (private browsing, full disk…), if so: they still show until the page closes. */
  storageProblem?: string;
  /** Stored run records left out of `runs` because they are corrupt or foreign, with the reason each was refused. */
  refusedRuns: RefusedRun[];
}

/**
 * Whether a run has anything to plot: steps and an evaluation. Runs without (a run that failed before its first
 * step, one stopped before its first evaluation) would only add empty legend entries, so they start unticked.
 */
export function hasResults(run: RunRecord): boolean {
  return run.step > 0 && finalEval(run) !== undefined;
}

/** What the page knows of a run beyond what its training reports. */
interface RunMeta {
  number: number;
  name?: string;
}

/** `run` with `meta` in place of whatever number and name it carried. */
function withMeta(run: RunRecord, meta: RunMeta): RunRecord {
  const { name: _name, ...rest } = run;
  return { ...rest, number: meta.number, ...(meta.name ? { name: meta.name } : {}) };
}

/**
 * Numbers for loaded runs (newest first): those stored before numbers existed get the ones after `last`, oldest
 * first, and so does the newer of two runs stored under one number. Returns the runs in the same order, the ones
 * that got a number (to store again, so they keep it) and the highest number now given.
 */
export function numberLoadedRuns(loaded: readonly RunRecord[], last: number): { runs: RunRecord[]; numbered: RunRecord[]; last: number } {
  let highest = last;
  for (const r of loaded) if (r.number !== undefined) highest = Math.max(highest, r.number);
  const given = new Map<string, RunRecord>();
  // Two tabs of the lab number their runs each on its own, so runs trained side by side can share a number: the
  // older run keeps it, the newer one gets the next free one, else their labels would read the same.
  const taken = new Set<number>();
  for (const r of [...loaded].reverse()) {
    if (r.number !== undefined && !taken.has(r.number)) taken.add(r.number);
    else given.set(r.id, { ...r, number: ++highest });
  }
  return { runs: loaded.map((r) => given.get(r.id) ?? r), numbered: [...given.values()], last: highest };
}

const problemOf = (err: unknown) => (err instanceof RunsStoreError ? err.userMessage : err instanceof Error ? err.message : String(err));

/** Runs kept in IndexedDB across reloads. */
export function useRuns(): Runs {
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [storageProblem, setStorageProblem] = useState<string>();
  const [refusedRuns, setRefusedRuns] = useState<RefusedRun[]>([]);
  const store = useRef<Promise<RunsStore> | undefined>(undefined);
  const meta = useRef(new Map<string, RunMeta>());
  /** The highest number given so far: numbers are never given twice in a page's life. */
  const lastNumber = useRef(0);
  /** Runs already ticked once (or loaded): later saves leave their box as the user set it. */
  const ticked = useRef(new Set<string>());

  useEffect(() => {
    const opening = openRunsStore();
    store.current = opening;
    let live = true;
    opening
      .then((s) => s.listChecked())
      .then(({ runs: stored, refused }) => {
        if (!live) return;
        setRefusedRuns(refused);
        const {
          runs: numberedRuns,
          numbered,
          last,
        } = numberLoadedRuns(
          stored.filter((r) => !meta.current.has(r.id)),
          lastNumber.current,
        );
        lastNumber.current = last;
        for (const r of numbered) void opening.then((s) => s.put(r)).catch((err: unknown) => live && setStorageProblem(problemOf(err)));
        // Runs that were training when the page closed did not finish: say so instead of showing them as running.
        const loaded = numberedRuns.map((r) =>
          r.status === 'running' || r.status === 'paused' ? { ...r, status: 'stopped' as const, message: r.message ?? 'interrupted by a page reload' } : r,
        );
        for (const r of loaded) {
          meta.current.set(r.id, { number: r.number!, ...(r.name ? { name: r.name } : {}) });
          ticked.current.add(r.id);
        }
        setRuns((current) => [...current, ...loaded.filter((r) => !current.some((c) => c.id === r.id))]);
        // The newest runs with results come back ticked; a failed 0-step run would only be an empty legend entry.
        setSelected((current) =>
          current.size
            ? current
            : new Set(
                loaded
                  .filter(hasResults)
                  .slice(0, 3)
                  .map((r) => r.id),
              ),
        );
      })
      .catch((err: unknown) => live && setStorageProblem(problemOf(err)));
    return () => {
      live = false;
      void opening.then((s) => s.close()).catch(() => undefined);
    };
  }, []);

  const saveRun = useCallback((incoming: RunRecord) => {
    let known = meta.current.get(incoming.id);
    if (!known) {
      known = { number: incoming.number ?? ++lastNumber.current, ...(incoming.name ? { name: incoming.name } : {}) };
      meta.current.set(incoming.id, known);
    }
    const run = withMeta(incoming, known);
    setRuns((list) => (list.some((r) => r.id === run.id) ? list.map((r) => (r.id === run.id ? run : r)) : [run, ...list]));
    if (!ticked.current.has(run.id) && hasResults(run)) {
      ticked.current.add(run.id);
      setSelected((current) => new Set([run.id, ...current]));
    }
    store.current?.then((s) => s.put(run)).catch((err: unknown) => setStorageProblem(problemOf(err)));
  }, []);

  const renameRun = useCallback(
    (id: string, name: string) => {
      const known = meta.current.get(id);
      const run = runs.find((r) => r.id === id);
      if (!known || !run) return;
      const trimmed = name.trim();
      const next = { number: known.number, ...(trimmed ? { name: trimmed } : {}) };
      meta.current.set(id, next);
      const renamed = withMeta(run, next);
      setRuns((list) => list.map((r) => (r.id === id ? withMeta(r, next) : r)));
      store.current?.then((s) => s.put(renamed)).catch((err: unknown) => setStorageProblem(problemOf(err)));
    },
    [runs],
  );

  const deleteRun = useCallback((id: string) => {
    meta.current.delete(id);
    setRuns((list) => list.filter((r) => r.id !== id));
    setSelected((current) => {
      const next = new Set(current);
      next.delete(id);
      return next;
    });
    store.current?.then((s) => s.delete(id)).catch((err: unknown) => setStorageProblem(problemOf(err)));
  }, []);

  return { runs, selected, setSelected, saveRun, renameRun, deleteRun, storageProblem, refusedRuns };
}
