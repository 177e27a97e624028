import { useState } from 'react';
import { downloadBlob } from '../download.ts';
import type { ModelsApi, SavedModelSummary } from '../../protocol/models.ts';
import { errorText, modelsChanged, useSavedModels } from './useSavedModels.ts';

/** Props of the saved-models panel. */
export interface SavedModelsProps {
  /** The worker's models API (`ready.worker.api`); undefined while the worker starts. */
  api?: ModelsApi;
  /** The run whose model is the worker's current one (its label names the saved model). */
  currentRun?: { id: string; label: string };
  /** False while a run trains (the weights are moving) or before any run. */
  canSave: boolean;
}

/** A model's zip as a download. */
const downloadZip = (fileName: string, bytes: Uint8Array) => downloadBlob(fileName, new Blob([bytes.slice()], { type: 'application/zip' }));

/** A file name from a model label. */
export function zipName(model: Pick<SavedModelSummary, 'label' | 'step'>): string {
  const stem =
    model.label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'model';
  return `margin-lab-${stem}-step${model.step}.zip`;
}

const dateOf = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * "Saved models": save the current run's model to this browser (IndexedDB), list saved and imported
 * models with their AUC and date, export one as a .zip (TF.js layers model + run.json), import a
 * .zip back, delete.
 */
export function SavedModels({ api, currentRun, canSave }: SavedModelsProps) {
  const { models, error: listError } = useSavedModels(api);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      setMessage(await what());
      modelsChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const save = () => act(async () => `Saved the model of '${(await api!.saveModel(currentRun?.label)).label}'.`);
  const importFile = (file: File) => act(async () => `Imported '${(await api!.importModel(file, file.name)).label}'.`);
  const exportModel = (model: SavedModelSummary) =>
    act(async () => {
      downloadZip(zipName(model), await api!.exportModel({ kind: 'saved', id: model.id }));
      return `Exported '${model.label}'.`;
    });
  const remove = (model: SavedModelSummary) =>
    act(async () => {
      await api!.deleteModel(model.id);
      return `Deleted '${model.label}'.`;
    });

  return (
    <section className="panel saved-models" aria-labelledby="saved-models-heading">
      <h2 id="saved-models-heading">Saved models</h2>
      <div className="buttons">
        <button type="button" disabled={!api || !canSave || !currentRun || busy} onClick={() => void save()}>
          Save current model{currentRun ? ` (${currentRun.label})` : ''}
        </button>
        <label className="file-button">
          Import model (.zip){' '}
          <input
            type="file"
            accept=".zip,application/zip"
            disabled={!api || busy}
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void importFile(file);
            }}
          />
        </label>
      </div>
      {message && (
        <p role="status" aria-label="Models message">
          {message}
        </p>
      )}
      {(error || listError) && (
        <p className="error" role="alert">
          {error ?? `Saved models cannot be listed: ${listError}`}
        </p>
      )}
      {models.length === 0 ? (
        <p className="help">No saved models yet. Train a run, then save its model here; saved models stay in this browser.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Source</th>
              <th scope="col">Backbone</th>
              <th scope="col">AUC</th>
              <th scope="col">Saved</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id} data-model-id={m.id}>
                <th scope="row">{m.label}</th>
                <td>{m.source === 'run' ? `run, step ${m.step}` : 'imported'}</td>
                <td>
                  {m.backbone} · {m.inputSize} px
                </td>
                <td>{m.auc === null ? '—' : m.auc.toFixed(4)}</td>
                <td>
                  <time dateTime={m.savedAt}>{dateOf(m.savedAt)}</time>
                </td>
                <td className="buttons">
                  <button type="button" disabled={busy} onClick={() => void exportModel(m)} aria-label={`Export ${m.label}`}>
                    Export .zip
                  </button>
                  <button type="button" disabled={busy} onClick={() => void remove(m)} aria-label={`Delete ${m.label}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
