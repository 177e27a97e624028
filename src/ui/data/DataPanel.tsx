import { useEffect, useMemo, useRef, useState } from 'react';
import type { DataApi, FolderReport } from '../../protocol/data.ts';
import { folderDataChoice, type DataChoice } from './dataChoice.ts';
import { dataExportOf, type DataExport } from './dataExport.ts';
import { FolderSection } from './FolderSection.tsx';
import { AlignPreview } from './AlignPreview.tsx';
import { DEFAULT_DATA_SETTINGS, type DataSettings } from './settings.ts';
import { SettingsForm } from './SettingsForm.tsx';
import type { FolderLoadState } from './useFolderLoad.ts';
import './data.css';

export type { DataChoice } from './dataChoice.ts';

const EMPTY: FolderLoadState = { phase: 'empty' };

/**
 * Local data for the lab: a training folder (one sub-folder per identity, sampled and cached in
 * the worker) and a test folder (balanced pairs, or its own pairs.txt). Mount it with the
 * worker's data API once the worker is ready: `<DataPanel data={dataApiOf(worker.api)} />`
 * (src/ui/worker/dataBridge.ts); before that, pass undefined and the pickers stay disabled.
 *
 * `onDataReady` hears what to train on: a choice when the training folder finished loading (again
 * when the test folder changes where pairs come from), undefined when the folders are cleared
 * ("Use built-in faces") or the training folder is reloaded or fails. Train with
 * `choice?.spec ?? { kind: 'builtin' }`. `onTestFolder` hears each test folder that finished loading (its report),
 * and undefined when it is cleared, reloading or failed (the reference baseline starts on it). `onDataExport`
 * hears each change of what the PyTorch export carries (dataExport.ts: the loaded folders' settings, or the form
 * when none is loaded, with a note when the form differs).
 */
export function DataPanel({
  data,
  onDataReady,
  onTestFolder,
  onDataExport,
}: {
  data: DataApi | undefined;
  onDataReady?: (choice: DataChoice | undefined) => void;
  onTestFolder?: (report: FolderReport | undefined) => void;
  onDataExport?: (exported: DataExport) => void;
}) {
  const [settings, setSettings] = useState<DataSettings>(DEFAULT_DATA_SETTINGS);
  const [trainWith, setTrainWith] = useState<DataSettings>();
  const [testWith, setTestWith] = useState<DataSettings>();
  const [train, setTrain] = useState<FolderLoadState>(EMPTY);
  const [test, setTest] = useState<FolderLoadState>(EMPTY);
  // Remounting the sections (a new key) clears what they loaded, in the UI and in what we offer.
  const [generation, setGeneration] = useState(0);
  const choice = useMemo(() => folderDataChoice(train, test), [train, test]);

  // Tell the parent only when the offer changes (the section states change on every progress report).
  const sent = useRef<string>('');
  const offer = choice ? JSON.stringify(choice) : '';
  useEffect(() => {
    if (offer === sent.current) return;
    sent.current = offer;
    onDataReady?.(choice);
  }, [offer, choice, onDataReady]);

  const exported = useMemo(() => dataExportOf(settings, { train: trainWith, test: testWith }), [settings, trainWith, testWith]);
  useEffect(() => {
    onDataExport?.(exported);
  }, [exported, onDataExport]);

  const testReport = test.phase === 'loaded' ? test.report : undefined;
  useEffect(() => {
    onTestFolder?.(testReport);
  }, [testReport, onTestFolder]);

  // A cancelled load left nothing to clear.
  const holdsFolder = (state: FolderLoadState) => state.phase !== 'empty' && state.phase !== 'cancelled';
  const anyFolder = holdsFolder(train) || holdsFolder(test);
  const useBuiltin = () => {
    setGeneration((g) => g + 1);
    setTrain(EMPTY);
    setTest(EMPTY);
  };

  return (
    <section aria-labelledby="data-panel-heading" className="data-panel">
      <h2 id="data-panel-heading">Data</h2>
      <p className="muted">Folders are read in this browser; no image leaves your computer.</p>
      <p className="data-in-use" role="status" aria-label="Data in use">
        Training on: {choice ? choice.label : 'built-in synthetic faces'}
        {anyFolder && (
          <>
            {' '}
            <button type="button" onClick={useBuiltin}>
              Use built-in faces
            </button>
          </>
        )}
      </p>
      <SettingsForm settings={settings} onChange={setSettings} />
      <FolderSection key={`train-${generation}`} role="train" title="Training folder" data={data} settings={settings} onStateChange={setTrain} onLoadedWith={setTrainWith} />
      <AlignPreview data={data} role="train" title="Training folder" state={train} />
      <FolderSection key={`test-${generation}`} role="test" title="Test folder" data={data} settings={settings} onStateChange={setTest} onLoadedWith={setTestWith} />
      <AlignPreview data={data} role="test" title="Test folder" state={test} />
    </section>
  );
}
