import { useCallback, useRef, useState } from 'react';
import type { DataApi, FolderOptions, FolderReport, FolderRole, LoadProgress } from '../../protocol/data.ts';
import { remoteCallback } from '../worker/remoteCallback.ts';
import type { CollectedFiles, UnreadableFile } from './collectFiles.ts';

/** Where loading a folder stands, as its section shows it. */
export type FolderLoadState =
  | { readonly phase: 'empty' }
  | { readonly phase: 'loading'; readonly progress: LoadProgress }
  | {
      readonly phase: 'loaded';
      readonly report: FolderReport;
      readonly unreadable: readonly UnreadableFile[];
      /** Counts loads, to tell one from the next. */ readonly loadNumber: number;
    }
  | { readonly phase: 'failed'; readonly error: string }
  /** The user cancelled the load after `progress.done` files: no folder is loaded in this role. */
  | { readonly phase: 'cancelled'; readonly progress: LoadProgress };

/**
 * Load picked folders for one role through the worker's data API. A newer load supersedes an
 * older one still running: its progress and result are ignored. `cancel` stops the running load
 * (the worker stops between two files, within a progress interval).
 */
export function useFolderLoad(
  data: DataApi | undefined,
  role: FolderRole,
): {
  state: FolderLoadState;
  load: (collected: CollectedFiles, options: Omit<FolderOptions, 'role'>) => Promise<void>;
  cancel: () => void;
} {
  const [state, setState] = useState<FolderLoadState>({ phase: 'empty' });
  const latest = useRef(0);
  /** The load number the user cancelled (0: none). */
  const cancelled = useRef(0);
  const load = useCallback(
    async (collected: CollectedFiles, options: Omit<FolderOptions, 'role'>) => {
      if (!data) return;
      const request = ++latest.current;
      // Progress arrives on its own message port, so a last report can land after the result:
      // `finished` keeps it from turning a loaded folder back into a progress bar.
      let finished = false;
      const current = () => request === latest.current && !finished;
      let last: LoadProgress = { role, done: 0, total: collected.files.length };
      setState({ phase: 'loading', progress: last });
      try {
        const report = await data.loadFolder(
          collected.files,
          { ...options, role },
          remoteCallback((progress: LoadProgress) => {
            if (cancelled.current === request) return false;
            last = progress;
            if (current()) setState({ phase: 'loading', progress });
          }),
        );
        if (current()) setState({ phase: 'loaded', report, unreadable: collected.unreadable, loadNumber: request });
      } catch (err) {
        if (!current()) return;
        if (cancelled.current === request) setState({ phase: 'cancelled', progress: last });
        else setState({ phase: 'failed', error: err instanceof Error ? err.message : String(err) });
      } finally {
        finished = true;
      }
    },
    [data, role],
  );
  const cancel = useCallback(() => {
    cancelled.current = latest.current;
  }, []);
  return { state, load, cancel };
}
