/**
 * The saved-model list, shared by the Saved models panel and the verify panel's model chooser: any
 * component that saves, imports or deletes calls `modelsChanged()`, and every mounted list reloads.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ModelsApi, SavedModelSummary } from '../../protocol/models.ts';

const listeners = new Set<() => void>();

/** Tell every mounted list that the stored models changed. */
export function modelsChanged(): void {
  for (const listener of listeners) listener();
}

/** The stored models (newest first), reloaded whenever `modelsChanged()` is called; `error` says why listing failed. */
export function useSavedModels(api: Pick<ModelsApi, 'listModels'> | undefined): { models: SavedModelSummary[]; error?: string } {
  const [models, setModels] = useState<SavedModelSummary[]>([]);
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    if (!api) return;
    api.listModels().then(
      (list) => {
        setModels(list);
        setError(undefined);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [api]);
  useEffect(() => {
    load();
    listeners.add(load);
    return () => {
      listeners.delete(load);
    };
  }, [load]);
  return { models, error };
}

/** A short error text of a rejected worker call (comlink rethrows the worker's Error). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
