import type { FolderOptions } from '../../protocol/data.ts';
import { DEFAULT_FOLDER_DATA_SETTINGS, type FolderDataSettings } from '../../core/dataSettings.ts';

/**
 * The data panel's form: what the user sets before (re)loading folders. Blank counts mean "all". The choices of
 * what to train on are src/core/dataSettings.ts's (the PyTorch export carries them as data.json); the form adds
 * the browser's pixel-memory budget.
 */
export interface DataSettings extends FolderDataSettings {
  readonly memoryBudgetMiB: number;
}

/**
 * Defaults: src/core/dataSettings.ts's (the paper's 112×112 input, 10 % validation, 600 test pairs — LFW's view 2
 * has 6,000; 600 suits small folders — alignment off, as it costs a detection per image) and a 256 MiB pixel
 * budget (≈ 7,000 images at 37,632 B each).
 */
export const DEFAULT_DATA_SETTINGS: DataSettings = Object.freeze({ ...DEFAULT_FOLDER_DATA_SETTINGS, memoryBudgetMiB: 256 });

/** The worker's load options for the form's settings. */
export function folderOptionsOf(settings: DataSettings): Omit<FolderOptions, 'role'> {
  return {
    seed: settings.seed,
    identities: settings.identities,
    minImages: settings.minImages,
    maxImages: settings.maxImages,
    validationFraction: settings.validationPercent / 100,
    testPairs: settings.testPairs,
    memoryBudgetBytes: settings.memoryBudgetMiB * 2 ** 20,
    imageSize: settings.imageSize,
    centreCrop: settings.centreCrop,
    background: settings.background,
    ...(settings.alignFaces ? { align: { detector: settings.faceDetector, scoreThreshold: settings.faceScoreThreshold } } : {}),
  };
}
