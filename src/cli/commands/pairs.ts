/**
 * `npm run lab -- pairs --data DIR --count N --seed S [--folds F] [--out FILE]`: sample balanced
 * verification pairs from a dataset folder and write them as an LFW-style pairs.txt (stdout by
 * default).
 *
 * The folder is scanned with the same rules as `lab scan` and the browser, so image number k of an
 * identity is its k-th usable image in code-point order of file names. Identities are written by
 * key: the folder name for the usual flat layout, the relative folder path for nested folders
 * (src/core/dataset/paths.ts), so names never collide. With `--folds F` the pairs are laid out as
 * LFW does: F folds, each with its same-identity pairs first and then as many different-identity
 * pairs, under an `F<TAB>n` header; N must then be a multiple of 2F.
 */
import { writeFile } from 'node:fs/promises';
import { intOption, parseOptions, UsageError } from '../args.ts';
import { scanDir } from '../scanDir.ts';
import { flattenImages, type Inventory } from '../../core/dataset/inventory.ts';
import { sampleBalancedPairs, type Pair } from '../../core/pairs.ts';
import { formatPairsTxt, type PairRef } from '../../core/pairsTxt.ts';

/** One-line description for `lab` without arguments. */
export const summary = 'pairs --data DIR --count N --seed S [--folds F] [--out FILE]: write an LFW-style pairs.txt';

/** The largest seed createRng keeps as is (32-bit). */
const MAX_SEED = 2 ** 32 - 1;

/** Order pairs as LFW folds: fold f holds positives [f·n, (f+1)·n) then negatives [f·n, (f+1)·n). */
function layOutFolds(pairs: readonly Pair[], folds: number): Pair[] {
  const positives = pairs.filter((p) => p.same);
  const negatives = pairs.filter((p) => !p.same);
  const perFold = pairs.length / (2 * folds);
  return Array.from({ length: folds }, (_, f) => [...positives.slice(f * perFold, (f + 1) * perFold), ...negatives.slice(f * perFold, (f + 1) * perFold)]).flat();
}

/**
 * Sample `count` balanced pairs of a scanned dataset and format them as pairs.txt.
 * @throws Error when the dataset cannot supply that many distinct pairs, or folds do not divide them
 */
export function pairsTxtFor(inventory: Inventory, count: number, seed: number, folds?: number): string {
  if (folds !== undefined && count % (2 * folds) !== 0) {
    throw new Error(`--count ${count} cannot be split into ${folds} folds of equal same/different halves (use a multiple of ${2 * folds})`);
  }
  const { identityPerItem, items } = flattenImages(inventory.identities);
  const sampled = sampleBalancedPairs(identityPerItem, count, seed);
  const ordered = folds === undefined ? sampled : layOutFolds(sampled, folds);
  const refs: PairRef[] = ordered.map(({ a, b, same }) => ({
    a: { identity: inventory.identities[items[a].identity].key, index: items[a].index },
    b: { identity: inventory.identities[items[b].identity].key, index: items[b].index },
    same,
  }));
  return formatPairsTxt(refs, { folds });
}

/** Run `lab pairs`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    folds: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (the folder goes after --data)`);
  if (values.data === undefined) throw new UsageError('--data DIR is required');
  const count = intOption(values.count, 'count', 1);
  const seed = intOption(values.seed, 'seed', 0, MAX_SEED);
  const folds = values.folds === undefined ? undefined : intOption(values.folds, 'folds', 1);

  let text: string;
  try {
    const { inventory } = await scanDir(values.data);
    text = pairsTxtFor(inventory, count, seed, folds);
    // Files skipped inside identity folders shift the numbering against a plain folder listing.
    const dropped = inventory.skipped.filter((s) => s.reason.code !== 'hidden' && s.reason.code !== 'outside-identity').length;
    if (dropped > 0) {
      process.stderr.write(`lab pairs: note: ${dropped} file(s) in identity folders skipped; image numbers count usable images only (see lab scan)\n`);
    }
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  if (values.out === undefined) {
    process.stdout.write(text);
  } else {
    try {
      await writeFile(values.out, text);
    } catch (err) {
      throw new UsageError(`cannot write '${values.out}': ${(err as Error).message}`);
    }
  }
  return 0;
}
