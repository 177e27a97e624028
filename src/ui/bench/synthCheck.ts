/**
 * The bench page's pixel check (?mode=synth&items=0,7,1234): checksums of built-in synthetic faces rendered in
 * this browser, so a test can compare them with the same renders in Node (same seed → same pixels everywhere).
 */
import { BUILTIN_DATA, createSynthDataset, pixelChecksum } from '../../core/synth/index.ts';

/** Checksums of the given items of the built-in training and test sets at 112 px. */
export function synthChecksums(params: URLSearchParams): { bench: 'synth'; train: string[]; test: string[] } {
  const items = (params.get('items') ?? '0').split(',').map(Number);
  const train = createSynthDataset(BUILTIN_DATA.train);
  const test = createSynthDataset(BUILTIN_DATA.test);
  return {
    bench: 'synth',
    train: items.map((i) => pixelChecksum(train.render(i))),
    test: items.map((i) => pixelChecksum(test.render(i % test.count))),
  };
}
