/**
 * The lab worker's one data store, over the browser's decoder: the data API (createDataApi's default) and the
 * training code of the same worker share it, so a folder picked in the UI is what `loadData` trains on.
 */
import { DataStore } from '../../src/ml/data/dataStore.ts';
import { decodeToRgb } from './decode.ts';

/** The store the data API and the training code of the lab worker share. */
export const workerDataStore = new DataStore(decodeToRgb);
