import { useState } from 'react';
import type { FolderDataSettings } from '../../core/dataSettings.ts';
import type { TrainConfig } from '../../protocol/api.ts';
import type { ModelsApi } from '../../protocol/models.ts';
import { downloadBlob } from '../download.ts';
import { torchExportName, torchExportZip } from './scaleZip.ts';

/** Props of the "Train at scale…" button. */
export interface TrainAtScaleProps {
  config: TrainConfig;
  /** The Data view's choices (seed, identities, image limits, validation, test pairs, decoding): data.json. */
  data: FolderDataSettings;
  /** Shown by the button when `data` is not the Data form as it stands (src/ui/data/dataExport.ts says why). */
  dataNote?: string;
  /** The worker's models API, which builds init.safetensors; undefined while it starts. */
  api?: Pick<ModelsApi, 'initialWeights'>;
  /** True while the config is invalid or a run trains (the initial model is built on the training backend). */
  disabled: boolean;
}

/**
 * "Train at scale…": downloads the experiment as the PyTorch DDP folder of `lab export-torch` (train.py for
 * torchrun, config.json, data.json with the Data panel's choices, README.md with the commands, init.safetensors),
 * zipped. The initial weights are the lab's own for the config's seed — ImageNet ones for pretrained ResNet50, read
 * from the page's model files — so the torch run starts where a browser run would. With "Align faces" on, a note
 * says that train.py cannot detect faces itself: it trains on folders `lab align` wrote (the export's README).
 */
export function TrainAtScale({ config, data, dataNote, api, disabled }: TrainAtScaleProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const init = await api!.initialWeights(config);
      downloadBlob(torchExportName(config), new Blob([torchExportZip(config, { init, data }).slice()], { type: 'application/zip' }));
    } catch (err) {
      setError(`The PyTorch folder could not be made: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="train-at-scale">
      <button
        type="button"
        disabled={disabled || !api || busy}
        onClick={() => void download()}
        title="Download this experiment as a PyTorch DistributedDataParallel folder for torchrun (one or many GPUs), with the Data panel's choices of identities, images and test pairs; import its run folder back under Runs"
      >
        {busy ? 'Preparing…' : 'Train at scale…'}
      </button>
      {dataNote && <p className="help data-export-note">{dataNote}</p>}
      {data.alignFaces && (
        <p className="help">
          &ldquo;Align faces&rdquo; is on: train.py has no face detector (the lab&rsquo;s runs in the browser), so it refuses raw photos. Align the folders first with{' '}
          <code>npm run --silent lab -- align</code> (the download&rsquo;s README says how), or pass <code>--no-align</code> to train on the raw photos (
          {data.centreCrop ? 'centre-cropped' : 'whole images squashed, as “Centre crop” is off'}).
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
