/**
 * The `--config FILE` of `lab train` and `lab export-torch`: a TrainConfig JSON file, checked field by field, or the
 * defaults when no file is named; and `lab export-torch --data-settings FILE`, the Data panel's choices in
 * data.json's shape. Errors are usage errors naming the file.
 */
import { readFile } from 'node:fs/promises';
import { parseFolderDataSettings, type FolderDataSettings } from '../core/dataSettings.ts';
import { parseTrainConfig, type TrainConfig } from '../core/trainConfig.ts';
import { UsageError } from './args.ts';

/** The config in `path` (defaults when undefined), with every default filled in. */
export async function readConfigArg(path: string | undefined): Promise<TrainConfig> {
  let input: unknown = {};
  if (path !== undefined) {
    try {
      input = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read config ${path}: ${(err as Error).message}`);
    }
  }
  try {
    return parseTrainConfig(input);
  } catch (err) {
    throw new UsageError(`config ${path ?? '(defaults)'}: ${(err as Error).message}`);
  }
}

/** The data settings in `path` (src/core/dataSettings.ts: any subset, the page's defaults for the rest). */
export async function readDataSettingsArg(path: string): Promise<FolderDataSettings> {
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read data settings ${path}: ${(err as Error).message}`);
  }
  try {
    return parseFolderDataSettings(input);
  } catch (err) {
    throw new UsageError(`data settings ${path}: ${(err as Error).message}`);
  }
}
