/** The Data panel's test doubles: a folder report, a data API whose loads the test resolves, a picked folder. */
import { fireEvent, screen } from '@testing-library/react';
import type { DataApi, FolderOptions, FolderReport, PickedFile } from '../../../src/protocol/data.ts';

const CACHE = { bytesUsed: 0, budgetBytes: 1, imagesCached: 0, imagesInUse: 0, bytesPerImage: 1 };

/** A loaded folder's report: three identities; a training folder's sample, or a test folder's 600 sampled pairs. */
export function folderReport(role: 'train' | 'test', root: string, overrides: Partial<FolderReport> = {}): FolderReport {
  return {
    role,
    root,
    files: 10,
    identities: 3,
    images: 10,
    skipped: [],
    singletons: [],
    unusableFolders: [],
    cache: CACHE,
    seconds: 0.1,
    ...(role === 'train'
      ? { sample: { identityNames: ['平木大作', 'Zoë', 'Kim'], trainImages: 9_800, validationImages: 1, eligible: 3 } }
      : { pairs: { source: 'sampled', count: 600, positives: 300, negatives: 300 } }),
    ...overrides,
  };
}

/** A data API whose loads resolve (or fail) when the test says so; `loads` lists them in order. */
export function fakeData() {
  const loads: { options: FolderOptions; resolve: (r: FolderReport) => void; reject: (e: Error) => void }[] = [];
  const api: DataApi = {
    loadFolder: (_files: readonly PickedFile[], options) => new Promise((resolve, reject) => loads.push({ options, resolve, reject })),
    thumbnails: async (role, page) => ({ role, page, pageCount: 1, totalIdentities: 0, identities: [] }),
    exportPairsTxt: async () => '',
    measureDecode: async () => ({ images: 0, failures: 0, seconds: 0, imagesPerSecond: 0 }),
    cacheReport: async () => CACHE,
  };
  return { api, loads };
}

/** Picks a one-file folder through the folder input labelled `label` (`path` as webkitRelativePath). */
export function pick(label: string, path: string) {
  const file = new File(['x'], path.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  const input = screen.getByLabelText(label, { selector: 'input' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  fireEvent.change(input);
}
