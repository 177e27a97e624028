/**
 * The Python sources of `lab export-torch` (src/cli/torch) as text in the page's bundle, for "Train at scale…".
 * A glob rather than one `?raw` import per file: a module added to labtorch/ is bundled without an edit here,
 * and src/core/torchExport.ts picks the same files the CLI copies. The files are data, not code the UI runs, so
 * this is the one place the page reads from src/cli (eslint's layer rule is about imported code).
 */
import { isTorchSource } from '../../core/torchExport.ts';

const RAW = import.meta.glob<string>(['../../cli/torch/*.{py,md}', '../../cli/torch/labtorch/*.py'], { query: '?raw', import: 'default', eager: true });

/** The sources by path relative to src/cli/torch (train.py, README.md, labtorch/*.py). */
export const TORCH_SOURCES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(RAW)
      .map(([path, text]) => [path.slice('../../cli/torch/'.length), text] as const)
      .filter(([path]) => isTorchSource(path)),
  ),
);
