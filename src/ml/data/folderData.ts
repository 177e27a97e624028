/**
 * Training on the folders the user loaded (DataSpec `{ kind: 'folder' }`): what loadData reports
 * and what a run trains and evaluates on, taken from the worker's DataStore.
 *
 * Evaluation pairs: the test folder's pairs (its pairs.txt, or balanced pairs sampled at load), or,
 * without a test folder, balanced pairs sampled among the held-out validation images of the
 * training identities. Those are the same people the model trains on (closed-set), so their AUC
 * reads higher than on unseen people; it still shows whether the embedding separates identities.
 * The validation split is used only when it can give a meaningful figure: held-out images of at
 * least VALIDATION_PAIRS_RULE.minIdentities identities and at least VALIDATION_PAIRS_RULE.minPairs
 * balanced pairs (the run's evalPairs, fewer when the split cannot supply that many).
 *
 * Image size: a folder read at another size than the run's model.inputSize is decoded again at the
 * model's size from the picked files (DataStore.useImageSize), so the user need not reload it.
 */
import { mostBalancedPairs, pairCapacity } from '../../core/pairs.ts';
import type { DataSummary, FolderDataSpec } from '../../protocol/api.ts';
import { makeTestSet, type BatchSource, type TestSet } from '../train/data.ts';
import type { DataStore, LoadedFolder } from './dataStore.ts';

/** When the validation split may stand in for a test folder (see the module comment). */
export const VALIDATION_PAIRS_RULE = Object.freeze({
  /** Identities with held-out images: with two, the negatives would all be one pair of people. */
  minIdentities: 3,
  /** Balanced pairs: 5 positives and 5 negatives, below which an AUC is mostly noise. */
  minPairs: 10,
});

/** Fewest training identities a classifier head can learn to tell apart. */
export const MIN_TRAINING_IDENTITIES = 2;

/** What a folder run needs from its config. */
export interface FolderRunSettings {
  /** The model's input size (model.inputSize). */
  readonly inputSize: number;
  /** Pairs to sample from the validation split (config.evalPairs). */
  readonly evalPairs: number;
  /** Seed of the validation pair sampling (config.seed). */
  readonly seed: number;
}

/** A folder run's data in the engine's shapes. */
export interface FolderRunData {
  readonly source: BatchSource;
  readonly test: TestSet;
  /** K, the training identities (rows of the class head). */
  readonly numIdentities: number;
  /** Where the evaluation pairs came from. */
  readonly testFrom: 'test-folder' | 'validation';
}

const named = (spec: FolderDataSpec) => (spec.label ? ` (${spec.label})` : '');

/** The loaded training folder, or an error that says what to do. */
function trainingFolder(store: DataStore, spec: FolderDataSpec): LoadedFolder {
  const folder = store.folder('train');
  if (!folder) throw new Error(`no training folder is loaded${named(spec)}: pick one under Data → Training folder (after a page reload, pick it again)`);
  if (folder.identities.length < MIN_TRAINING_IDENTITIES) {
    throw new Error(`the training folder has ${folder.identities.length} usable identities: at least ${MIN_TRAINING_IDENTITIES} are needed to train`);
  }
  return folder;
}

/** Identity label of every held-out validation image (labels as in the training folder). */
function validationLabels(folder: LoadedFolder): number[] {
  return folder.validation.flatMap((id, label) => id.files.map(() => label));
}

/** Why a loaded test folder has no pairs, as its load reported it. */
function noPairsCause(test: LoadedFolder): string {
  return test.report.pairsError ?? 'none were found';
}

/** Where a run's pairs come from, or why there are none. */
function testSource(
  store: DataStore,
  spec: FolderDataSpec,
  train: LoadedFolder,
  evalPairs: number,
): { from: 'test-folder'; folder: LoadedFolder } | { from: 'validation'; pairs: number } {
  const test = store.folder('test');
  const wanted = spec.test ?? (test && test.pairs.length > 0 ? 'test-folder' : 'validation');
  if (wanted === 'test-folder') {
    if (!test) throw new Error('no test folder is loaded: pick one under Data → Test folder, or evaluate on the validation split');
    if (test.pairs.length === 0) throw new Error(`the test folder gives no pairs (${noPairsCause(test)}): load another, or evaluate on the validation split`);
    return { from: 'test-folder', folder: test };
  }
  const labels = validationLabels(train);
  const identities = train.validation.length;
  const most = mostBalancedPairs(pairCapacity(labels));
  if (identities < VALIDATION_PAIRS_RULE.minIdentities || most < VALIDATION_PAIRS_RULE.minPairs) {
    // Say why the test folder is not used: a loaded folder without pairs is not "no test folder".
    const notTested = !test
      ? 'no test folder is loaded'
      : test.pairs.length === 0
        ? `the test folder gives no pairs (${noPairsCause(test)})`
        : 'the run asked for the validation split rather than the test folder';
    const remedy = !test ? 'Load a test folder' : test.pairs.length === 0 ? 'Load a test folder that gives pairs' : 'Evaluate on the test folder';
    throw new Error(
      `no test pairs: ${notTested}, and the validation split (${labels.length} held-out images of ${identities} identities) ` +
        `gives ${most} balanced pairs; evaluating on it needs held-out images of at least ${VALIDATION_PAIRS_RULE.minIdentities} identities ` +
        `and ${VALIDATION_PAIRS_RULE.minPairs} pairs. ${remedy}, or raise "Validation %" and load the training folder again.`,
    );
  }
  return { from: 'validation', pairs: Math.min(evalPairs, most) };
}

/**
 * loadData's answer for a folder spec: the training folder's sampled counts, and the test
 * folder's (or, evaluating on the validation split, the held-out images'). Throws, saying what to
 * do, when the training folder or any evaluation pairs are missing.
 */
export function folderSummary(store: DataStore, spec: FolderDataSpec, evalPairs = VALIDATION_PAIRS_RULE.minPairs): DataSummary {
  const train = trainingFolder(store, spec);
  const test = testSource(store, spec, train, evalPairs);
  const images = (ids: LoadedFolder['identities']) => ids.reduce((n, id) => n + id.files.length, 0);
  const tested = test.from === 'test-folder' ? test.folder.identities : train.validation;
  return {
    kind: 'folder',
    trainIdentities: train.identities.length,
    trainImages: images(train.identities),
    testIdentities: tested.length,
    testImages: test.from === 'test-folder' ? test.folder.report.images : images(tested),
  };
}

/** The batches and evaluation pairs of a run on the loaded folders, decoded at the model's input size. */
export function folderRunData(store: DataStore, spec: FolderDataSpec, settings: FolderRunSettings): FolderRunData {
  const train = trainingFolder(store, spec);
  const test = testSource(store, spec, train, settings.evalPairs);
  store.useImageSize(settings.inputSize);
  const source = store.trainingSource();
  return {
    source,
    numIdentities: source.numIdentities,
    test: test.from === 'test-folder' ? store.testSet() : makeTestSet(store.validationSet(), test.pairs, settings.seed),
    testFrom: test.from,
  };
}
