/**
 * The folder `lab export-torch` writes and "Train at scale…" downloads as a .zip, defined once so the
 * two cannot drift: the Python sources (src/cli/torch: train.py, README.md, labtorch/*.py, passed in by each
 * caller — read from disk by the CLI, bundled as text by the page), config.json (the lab's TrainConfig as is,
 * every default filled in) and, when given, data.json (the Data panel's choices of what to train on,
 * src/core/dataSettings.ts, which train.py takes as the defaults of its data flags) and init.safetensors (the lab's
 * seeded initial weights).
 */
import { folderDataSettingsJson, type FolderDataSettings } from './dataSettings.ts';
import type { TrainConfig } from './trainConfig.ts';

/** The files besides the Python sources. */
export const TORCH_EXPORT_FILES = Object.freeze({ config: 'config.json', data: 'data.json', init: 'init.safetensors' });

/** What goes into the export besides the config and the sources. */
export interface TorchExportExtras {
  /** The lab's initial weights as safetensors (init.safetensors). */
  readonly init?: Uint8Array;
  /** The data choices (data.json); without them train.py follows `lab train`'s rules (README: "Which images train"). */
  readonly data?: FolderDataSettings;
}

/** Whether `path` (relative to src/cli/torch) is part of the export: train.py, README.md or a labtorch module. */
export function isTorchSource(path: string): boolean {
  return path === 'train.py' || path === 'README.md' || /^labtorch\/[A-Za-z0-9_]+\.py$/.test(path);
}

/** The export's source paths in the order they are listed: train.py, README.md, then labtorch/*.py by name. */
export function torchSourceOrder(paths: Iterable<string>): string[] {
  const modules = [...paths].filter((p) => p.startsWith('labtorch/') && isTorchSource(p)).sort();
  return ['train.py', 'README.md', ...modules];
}

/** config.json's text. */
export function torchConfigJson(config: TrainConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The export's files by path, in listing order: the sources (`sources` must hold train.py and README.md),
 * config.json, data.json when `data` is given and init.safetensors when `init` is. Throws when a source is missing
 * or a data setting is invalid (naming it).
 */
export function torchExportFiles(config: TrainConfig, sources: Readonly<Record<string, string>>, { init, data }: TorchExportExtras = {}): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  for (const path of torchSourceOrder(Object.keys(sources))) {
    const text = sources[path];
    if (text === undefined) throw new Error(`the PyTorch export lacks its ${path}`);
    files.set(path, text);
  }
  files.set(TORCH_EXPORT_FILES.config, torchConfigJson(config));
  if (data) files.set(TORCH_EXPORT_FILES.data, folderDataSettingsJson(data));
  if (init) files.set(TORCH_EXPORT_FILES.init, init);
  return files;
}
