/**
 * "Train at scale…"'s .zip: the folder `lab export-torch` writes (src/core/torchExport.ts), built in the page.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import { torchExportFiles, type TorchExportExtras } from '../../core/torchExport.ts';
import type { TrainConfig } from '../../protocol/api.ts';
import { TORCH_SOURCES } from './torchSources.ts';

/**
 * The zip of the export for `config`, with init.safetensors when `extras.init` is given (stored: weights do not
 * deflate) and data.json when `extras.data` is.
 */
export function torchExportZip(config: TrainConfig, extras: TorchExportExtras = {}, sources: Readonly<Record<string, string>> = TORCH_SOURCES): Uint8Array {
  const entries: Zippable = {};
  for (const [path, content] of torchExportFiles(config, sources, extras)) entries[path] = typeof content === 'string' ? strToU8(content) : [content, { level: 0 }];
  return zipSync(entries);
}

/** The zip's file name. */
export function torchExportName(config: TrainConfig): string {
  return `margin-lab-torch-${config.model.backbone}-seed${config.seed}.zip`;
}
