/**
 * What "Train at scale…" writes as data.json: the settings the loaded folders were sampled and decoded with, not
 * the Data form as it stands, which may have changed since (the form only applies at the next load). With no
 * folder loaded (built-in faces) it is the form.
 */
import { FOLDER_DATA_SETTING_KEYS, type FolderDataSettings } from '../../core/dataSettings.ts';
import { DEFAULT_DATA_SETTINGS, type DataSettings } from './settings.ts';

/** The settings each loaded folder was loaded with; undefined where no folder of that role is loaded. */
export interface LoadedSettings {
  readonly train?: DataSettings;
  readonly test?: DataSettings;
}

/** data.json's settings, and a note when they are not the form's. */
export interface DataExport {
  readonly settings: FolderDataSettings;
  /** Why the export differs from the form (shown by the "Train at scale…" button); absent when it does not. */
  readonly note?: string;
}

/** Before any folder loads: the form's defaults. */
export const DEFAULT_DATA_EXPORT: DataExport = Object.freeze({ settings: DEFAULT_DATA_SETTINGS });

/**
 * The export for the form and the loaded folders: the training folder's sampling and decoding, and the test
 * folder's seed and test-pair count where one is loaded (its pairs were sampled with them; its seed only where no
 * training folder is loaded, as data.json holds one seed and the training folder's draws the identities).
 */
export function dataExportOf(form: DataSettings, loaded: LoadedSettings): DataExport {
  const base = loaded.train ?? form;
  const test = loaded.test;
  const settings: DataSettings = test ? { ...base, testPairs: test.testPairs, seed: loaded.train ? base.seed : test.seed } : base;
  const notes: string[] = [];
  const changed = FOLDER_DATA_SETTING_KEYS.filter((key) => settings[key] !== form[key]);
  if (changed.length > 0) {
    notes.push(
      `The Data form changed since the folders were loaded (${changed.join(', ')}): the download carries the settings they were loaded with. Load them again to export the form's.`,
    );
  }
  if (loaded.train && test && test.seed !== loaded.train.seed) {
    notes.push(`The test folder was loaded with seed ${test.seed}: train.py samples its pairs with the training folder's seed ${loaded.train.seed} (a pairs.txt is used as is).`);
  }
  return notes.length > 0 ? { settings, note: notes.join(' ') } : { settings };
}
