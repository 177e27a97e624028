import { useState } from 'react';
import type { ModelsApi } from '../../protocol/models.ts';
import { modelsChanged } from '../models/useSavedModels.ts';
import { readRunDirFiles, readRunDirZipFile, runDirImport } from './readRunDir.ts';
import type { RunRecord } from './runRecord.ts';

/** Props of the RUN_DIR import. */
export interface ImportRunDirProps {
  /** The worker's models API; undefined while the worker starts. */
  api?: Pick<ModelsApi, 'importTorchRun'>;
  /** Stores the run (useRuns' saveRun), once its weights were accepted. */
  onRun(run: RunRecord): void;
}

/**
 * "Import a PyTorch run": a RUN_DIR of `lab export-torch`'s train.py, picked as a folder or a .zip, becomes a run
 * (loss curve, evaluations, ROC and histogram) and a saved model (Verify). The weights are checked first, so a
 * folder that is refused adds nothing.
 */
export function ImportRunDir({ api, onRun }: ImportRunDirProps) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();

  const load = async (read: () => Promise<Parameters<typeof runDirImport>[0]>) => {
    setBusy(true);
    setMessage(undefined);
    setError(undefined);
    try {
      const { run, request } = runDirImport(await read(), new Date().toISOString());
      await api!.importTorchRun(request);
      onRun(run);
      modelsChanged();
      const auc = run.evals.at(-1)?.metrics.auc;
      setMessage(`Imported '${run.label}': ${run.step} steps${auc === undefined ? ', no evaluation' : `, AUC ${auc.toFixed(4)}`}; listed under Runs and Saved models.`);
    } catch (err) {
      setError(`The run folder was not imported: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="import-run-dir">
      <div className="buttons">
        <label className="file-button">
          Import PyTorch run (folder){' '}
          <input
            type="file"
            multiple
            disabled={!api || busy}
            aria-label="PyTorch run folder"
            ref={(element) => element?.setAttribute('webkitdirectory', '')}
            onChange={(event) => {
              const files = [...(event.currentTarget.files ?? [])];
              event.currentTarget.value = '';
              if (files.length > 0) void load(() => readRunDirFiles(files));
            }}
          />
        </label>
        <label className="file-button">
          Import PyTorch run (.zip){' '}
          <input
            type="file"
            accept=".zip,application/zip"
            disabled={!api || busy}
            aria-label="PyTorch run zip"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void load(() => readRunDirZipFile(file));
            }}
          />
        </label>
      </div>
      <p className="help">The --out folder of train.py from &ldquo;Train at scale…&rdquo;: its log.jsonl, config.json, identities.json and model.safetensors.</p>
      {message && (
        <p role="status" aria-label="Run import message">
          {message}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
