import { useState } from 'react';
import type { DataApi } from '../../protocol/data.ts';
import { FolderSection } from './FolderSection.tsx';
import { DEFAULT_DATA_SETTINGS, type DataSettings } from './settings.ts';
import { SettingsForm } from './SettingsForm.tsx';
import './data.css';

/**
 * Local data for the lab: a training folder (one sub-folder per identity, sampled and cached in
 * the worker) and a test folder (balanced pairs, or its own pairs.txt). Mount it with the
 * worker's data API once the worker is ready: `<DataPanel data={dataApiOf(worker.api)} />`
 * (src/ui/worker/dataBridge.ts); before that, pass undefined and the pickers stay disabled.
 */
export function DataPanel({ data }: { data: DataApi | undefined }) {
  const [settings, setSettings] = useState<DataSettings>(DEFAULT_DATA_SETTINGS);
  return (
    <section aria-labelledby="data-panel-heading" className="data-panel">
      <h2 id="data-panel-heading">Data</h2>
      <p className="muted">Folders are read in this browser; no image leaves your computer.</p>
      <SettingsForm settings={settings} onChange={setSettings} />
      <FolderSection role="train" title="Training folder" data={data} settings={settings} />
      <FolderSection role="test" title="Test folder" data={data} settings={settings} />
    </section>
  );
}
