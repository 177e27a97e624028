/**
 * Training data for the Node CLI: the built-in synthetic faces, or identity folders (one sub-folder per
 * person) scanned by scanDir.ts and decoded with sharp, resized to the model's input size (centre crop),
 * RGB. Both come out as the engine's ImageSet, so `lab train` runs the very loop the worker runs.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { flattenImages } from '../core/dataset/inventory.ts';
import { createBuiltinSets, type BuiltinDataChoice } from '../core/synth/index.ts';
import type { ImageSet } from '../ml/train/data.ts';
import { scanDir } from './scanDir.ts';

/** An image set with its class count. */
export interface LabelledSet {
  set: ImageSet;
  identities: number;
}

/** The built-in synthetic train and test sets at `size` px, with `choice`'s overrides (e.g. a domain preset's). */
export function builtinSets(size: number, choice: BuiltinDataChoice = {}): { train: LabelledSet; test: LabelledSet } {
  const { train, test } = createBuiltinSets(choice, size);
  return { train: { set: train, identities: train.identityNames.length }, test: { set: test, identities: test.identityNames.length } };
}

/** RGB bytes of an image file, centre-cropped and resized to size×size. */
export async function decodeRgb(path: string, size: number): Promise<Uint8Array> {
  const buffer = await sharp(path).rotate().resize(size, size, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The usable images of an identity-folder tree as an ImageSet (decoded on demand). */
export async function folderSet(dir: string, size: number): Promise<LabelledSet> {
  const { inventory } = await scanDir(dir);
  if (inventory.identities.length === 0) throw new Error(`${dir}: no identity folders with usable images`);
  const { identityPerItem } = flattenImages(inventory.identities);
  const paths = inventory.identities.flatMap((id) => id.files);
  return {
    identities: inventory.identities.length,
    set: {
      count: paths.length,
      size,
      itemIdentity: (i) => identityPerItem[i],
      async render(i, out) {
        const rgb = await decodeRgb(join(dir, paths[i]), size);
        if (out && out.length === rgb.length) {
          out.set(rgb);
          return out;
        }
        return rgb;
      },
    },
  };
}
