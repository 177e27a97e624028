import { useCallback, useEffect, useMemo, useState } from 'react';
import { skipReasons } from '../../core/dataset/inventory.ts';
import type { DataApi, FolderRole, SkippedFile } from '../../protocol/data.ts';
import type { CollectedFiles } from './collectFiles.ts';
import { FolderPicker } from './FolderPicker.tsx';
import { FolderSummary } from './FolderSummary.tsx';
import { Gallery } from './Gallery.tsx';
import { LoadProgressBar } from './LoadProgressBar.tsx';
import { folderOptionsOf, type DataSettings } from './settings.ts';
import { SkippedReport } from './SkippedReport.tsx';
import { useFolderLoad, type FolderLoadState } from './useFolderLoad.ts';
import { downloadText } from '../download.ts';

/**
 * One folder (training or test): picker, progress, counts, skipped files and gallery.
 * `onStateChange` hears every change of the load state (the data panel derives what to train on);
 * `onLoadedWith` hears the settings the loaded folder was loaded with, undefined while none is loaded (the
 * PyTorch export carries them, not the form as it stands).
 */
export function FolderSection({
  role,
  title,
  data,
  settings,
  onStateChange,
  onLoadedWith,
}: {
  role: FolderRole;
  title: string;
  data: DataApi | undefined;
  settings: DataSettings;
  onStateChange?: (state: FolderLoadState) => void;
  onLoadedWith?: (settings: DataSettings | undefined) => void;
}) {
  const { state, load, cancel } = useFolderLoad(data, role);
  useEffect(() => {
    onStateChange?.(state);
  }, [state, onStateChange]);
  const [picked, setPicked] = useState<CollectedFiles | undefined>();
  // The form as it was at the latest load: a newer load supersedes an older one, so 'loaded' is always this one's.
  const [requested, setRequested] = useState<DataSettings | undefined>();
  const loadedWith = state.phase === 'loaded' ? requested : undefined;
  useEffect(() => {
    onLoadedWith?.(loadedWith);
  }, [loadedWith, onLoadedWith]);
  const loadWithForm = (collected: CollectedFiles) => {
    setRequested(settings);
    void load(collected, folderOptionsOf(settings));
  };
  const [exportError, setExportError] = useState<string | undefined>();
  const loading = state.phase === 'loading';

  const onPick = (collected: CollectedFiles) => {
    setPicked(collected);
    loadWithForm(collected);
  };
  const loadPage = useCallback(
    (page: number) => {
      if (!data) return Promise.reject(new Error('the worker is not ready'));
      return data.thumbnails(role, page);
    },
    [data, role],
  );

  const skipped: SkippedFile[] = useMemo(() => {
    if (state.phase !== 'loaded') return [];
    return [...state.report.skipped, ...state.unreadable.map((u) => ({ path: u.path, reason: skipReasons.unreadable(u.error) }))];
  }, [state]);

  const exportPairs = async () => {
    if (!data) return;
    try {
      downloadText('pairs.txt', await data.exportPairsTxt());
      setExportError(undefined);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section aria-label={title} className="folder-section" data-role={role} data-phase={state.phase}>
      <h3>{title}</h3>
      <FolderPicker label={title} onPick={onPick} disabled={!data || loading} />
      {picked && !loading && (
        <button type="button" onClick={() => loadWithForm(picked)}>
          Load again with these settings
        </button>
      )}
      {state.phase === 'loading' && (
        <div className="load-row">
          <LoadProgressBar label={`Reading ${title.toLowerCase()}`} progress={state.progress} />
          <button type="button" onClick={cancel}>
            Cancel loading
          </button>
        </div>
      )}
      {state.phase === 'cancelled' && (
        <p role="status">
          Loading cancelled after {state.progress.done.toLocaleString('en-US')} of {state.progress.total.toLocaleString('en-US')} files: no {title.toLowerCase()} is loaded. Pick it
          again, or load it again with these settings.
        </p>
      )}
      {state.phase === 'failed' && (
        <p className="error" role="alert">
          Could not load the folder: {state.error}
        </p>
      )}
      {state.phase === 'loaded' && (
        <>
          <FolderSummary report={state.report} skipped={skipped.length} label={`${title} counts`} />
          {role === 'test' && state.report.pairs && (
            <p>
              <button type="button" onClick={() => void exportPairs()}>
                Export pairs.txt
              </button>
              {exportError && (
                <span className="error" role="alert">
                  {' '}
                  {exportError}
                </span>
              )}
            </p>
          )}
          <SkippedReport skipped={skipped} label={`${title}: skipped files`} />
          <Gallery key={state.loadNumber} label={`${title} gallery`} loadPage={loadPage} />
        </>
      )}
    </section>
  );
}
