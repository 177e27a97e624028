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
  | { readonly phase: 'failed'; readonly error: string };

/**
 * Load picked folders for one role through the worker's data API. A newer load supersedes an
 * older one still running: its progress and result are ignored.
 */
export function useFolderLoad(
  data: DataApi | undefined,
  role: FolderRole,
): {
  state: FolderLoadState;
  load: (collected: CollectedFiles, options: Omit<FolderOptions, 'role'>) => Promise<void>;
} {
  const [state, setState] = useState<FolderLoadState>({ phase: 'empty' });
  const latest = useRef(0);
  const load = useCallback(
    async (collected: CollectedFiles, options: Omit<FolderOptions, 'role'>) => {
      if (!data) return;
      const request = ++latest.current;
      // Progress arrives on its own message port, so a last report can land after the result:
      // `finished` keeps it from turning a loaded folder back into a progress bar.
      let finished = false;
      const current = () => request === latest.current && !finished;
      setState({ phase: 'loading', progress: { role, done: 0, total: collected.files.length } });
      try {
        const report = await data.loadFolder(
          collected.files,
          { ...options, role },
          remoteCallback((progress: LoadProgress) => {
            if (current()) setState({ phase: 'loading', progress });
          }),
        );
        if (current()) setState({ phase: 'loaded', report, unreadable: collected.unreadable, loadNumber: request });
      } catch (err) {
        if (current()) setState({ phase: 'failed', error: err instanceof Error ? err.message : String(err) });
      } finally {
        finished = true;
      }
    },
    [data, role],
  );
  return { state, load };
}
