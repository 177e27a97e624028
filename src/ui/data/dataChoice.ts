import type { DataSpec } from '../../protocol/api.ts';
import type { FolderLoadState } from './useFolderLoad.ts';

/** What the data panel offers to train on once a training folder is loaded (DataPanel's onDataReady). */
export interface DataChoice {
  /** The spec for loadData: the loaded folders, with where evaluation pairs come from. */
  readonly spec: DataSpec;
  /** For the runs table: "folder 'faces': 700 identities, 9,800 images; test folder 'lfw': 600 pairs". */
  readonly label: string;
  /** Sampled training images (the validation images held out are not counted). */
  readonly trainImages: number;
  /** Sampled training identities (K, the classes). */
  readonly identities: number;
}

/** The fewest training identities worth offering (a classifier needs two classes). */
export const MIN_CHOICE_IDENTITIES = 2;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The folder data to train on, given the two sections' states: a training folder that finished
 * loading with at least two sampled identities is needed; the test folder is used when it has
 * pairs, otherwise the run evaluates on the training folder's held-out validation images
 * (the label says why a loaded test folder is not used; the worker refuses, saying why, when the
 * held-out images are too few).
 */
export function folderDataChoice(train: FolderLoadState, test: FolderLoadState): DataChoice | undefined {
  if (train.phase !== 'loaded' || !train.report.sample) return undefined;
  const { identityNames, trainImages } = train.report.sample;
  if (identityNames.length < MIN_CHOICE_IDENTITIES || trainImages === 0) return undefined;
  const name = `folder '${train.report.root ?? 'picked'}'`;
  const base = `${name}: ${count(identityNames.length)} identities, ${count(trainImages)} images`;
  const testPairs = test.phase === 'loaded' ? (test.report.pairs?.count ?? 0) : 0;
  if (test.phase === 'loaded' && testPairs > 0) {
    const label = `${base}; test folder '${test.report.root ?? 'picked'}': ${count(testPairs)} pairs`;
    return { spec: { kind: 'folder', test: 'test-folder', label }, label, trainImages, identities: identityNames.length };
  }
  // A test folder that loaded without pairs is named, so the line never reads as if none were picked.
  const unused = test.phase === 'loaded' ? ` (test folder '${test.report.root ?? 'picked'}' gives no pairs)` : '';
  const label = `${base}; tested on its validation images${unused}`;
  return { spec: { kind: 'folder', test: 'validation', label }, label, trainImages, identities: identityNames.length };
}
