/**
 * The test identities a face is compared with ("five nearest identities"): the loaded test set at a
 * model's input size — the built-in synthetic test people (every image), or the loaded test folder's
 * identities (up to MAX_IMAGES_PER_IDENTITY images each, decoded with the folder's own settings).
 */
import { BUILTIN_DATA, createSynthDataset } from '../../core/synth/index.ts';
import type { DataSpec } from '../../protocol/api.ts';
import type { DataStore } from '../data/dataStore.ts';

/** Images per folder identity averaged into its mean (bounds the decoding a large test folder costs). */
export const MAX_IMAGES_PER_IDENTITY = 10;

/** Labelled test images, rendered or decoded on demand. */
export interface TestIdentities {
  /** Identity names, by index. */
  readonly names: readonly string[];
  /** Identity index of each image. */
  readonly identityOf: Int32Array;
  /** RGB bytes of image i at the requested size. */
  render(index: number): Promise<Uint8Array>;
  /** Which test set, in words. */
  readonly label: string;
  /** Identifies the set (with the size) for caching the means. */
  readonly key: string;
}

/** The test identities of `data` (the built-in test set when none is loaded) at `size` px. */
export function testIdentities(data: DataSpec | null, size: number, store: DataStore): TestIdentities {
  if (data?.kind === 'folder') {
    const folder = store.folder('test');
    if (!folder) throw new Error('no test folder is loaded: load one under Data → Test folder (the nearest identities come from the test set)');
    const paths: string[] = [];
    const owners: number[] = [];
    folder.identities.forEach((id, index) => {
      for (const path of id.files.slice(0, MAX_IMAGES_PER_IDENTITY)) {
        paths.push(path);
        owners.push(index);
      }
    });
    const decode = { ...folder.decode, imageSize: size };
    return {
      names: folder.identities.map((id) => id.name),
      identityOf: Int32Array.from(owners),
      render: (i) => store.decode(folder.files.get(paths[i])!, decode),
      label: `test folder '${folder.report.root ?? 'test'}'`,
      key: `folder:${folder.report.root}:${folder.report.images}:${size}:${decode.centreCrop}:${decode.background}`,
    };
  }
  const overrides = data?.kind === 'builtin' ? data.test : undefined;
  const set = createSynthDataset({ ...BUILTIN_DATA.test, ...overrides, size });
  return {
    names: set.identityNames,
    identityOf: Int32Array.from({ length: set.count }, (_, i) => set.itemIdentity(i)),
    render: async (i) => set.render(i),
    label: 'built-in synthetic test faces',
    key: `builtin:${JSON.stringify(overrides ?? {})}:${size}`,
  };
}
