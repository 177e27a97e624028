/**
 * `lab evaluate --model PATH --data TEST_DIR [--pairs FILE] [--count N] [--seed S] [--backend cpu|wasm]`:
 * embeds a test folder with a saved model (a lab model .zip or its folder, or a RUN_DIR trained by
 * `lab export-torch`'s train.py) and prints the same JSON object as `lab eval` (src/cli/commands/eval.ts).
 * Pairs: the LFW pairs.txt given, else `--count` balanced pairs (default the run's evalPairs) sampled with
 * `--seed` (default the run's seed) exactly as the lab samples them. Embeddings as in the lab's evaluation:
 * folder decoding of `lab train`, the run's flipEval.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenImages } from '../../core/dataset/inventory.ts';
import { sampleAvailablePairs, type Pair } from '../../core/pairs.ts';
import { parsePairsTxt } from '../../core/pairsTxt.ts';
import { intOption, parseOptions, UsageError } from '../args.ts';
import { loadModelFrom } from '../labModelDir.ts';
import { scanDir } from '../scanDir.ts';
import { decodeRgb } from '../trainData.ts';
import { evalOutput } from './eval.ts';
import { startBackend } from './train.ts';

/** One line for `lab` usage. */
export const summary = "verification metrics of a saved or torch-trained model on a test folder (the JSON of 'lab eval')";

const USAGE = 'usage: lab evaluate --model PATH --data TEST_DIR [--pairs FILE] [--count N] [--seed S] [--backend cpu|wasm]';

/** Pairs of pairs.txt as item indices of the scanned folder (identity order, then file order). */
function pairsFromTxt(text: string, file: string, identities: readonly { key: string; files: readonly string[] }[]): Pair[] {
  const start = new Map<string, { first: number; count: number }>();
  let first = 0;
  for (const id of identities) {
    start.set(id.key.normalize('NFC'), { first, count: id.files.length });
    first += id.files.length;
  }
  const item = (identity: string, index: number): number => {
    const found = start.get(identity.normalize('NFC'));
    if (!found) throw new UsageError(`${file}: no identity '${identity}' in the test folder`);
    if (index > found.count) throw new UsageError(`${file}: '${identity}' has ${found.count} images, not image ${index}`);
    return found.first + index - 1;
  };
  try {
    return parsePairsTxt(text).map((p) => ({ a: item(p.a.identity, p.a.index), b: item(p.b.identity, p.b.index), same: p.same }));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
}

/** Runs the command; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    model: { type: 'string' },
    data: { type: 'string' },
    pairs: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'cpu' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
  if (values.model === undefined || values.data === undefined) throw new UsageError(`--model and --data are required\n${USAGE}`);
  if (values.backend !== 'cpu' && values.backend !== 'wasm') throw new UsageError(`--backend must be cpu or wasm, got '${values.backend}'`);
  if (values.pairs !== undefined && (values.count !== undefined || values.seed !== undefined)) throw new UsageError('--pairs reads the pairs: it takes no --count or --seed');

  await startBackend(values.backend);
  const loaded = await loadModelFrom(values.model);
  try {
    const { config } = loaded;
    const count = values.count === undefined ? config.evalPairs : intOption(values.count, 'count', 2);
    const seed = values.seed === undefined ? config.seed : intOption(values.seed, 'seed', 0, 0xffffffff);
    const { inventory } = await scanDir(values.data);
    if (inventory.identities.length === 0) throw new UsageError(`${values.data}: no identity folders with usable images`);
    const { identityPerItem } = flattenImages(inventory.identities);
    let pairs: Pair[];
    if (values.pairs !== undefined) {
      pairs = pairsFromTxt(await readFile(values.pairs, 'utf8'), values.pairs, inventory.identities);
    } else {
      try {
        pairs = sampleAvailablePairs(identityPerItem, count, seed);
      } catch (err) {
        throw new UsageError(`${values.data}: ${(err as Error).message}`);
      }
    }
    const paths = inventory.identities.flatMap((id) => id.files);
    const size = config.model.inputSize;
    const { evaluatePairs } = await import('../../ml/train/evaluate.ts');
    const images = {
      count: paths.length,
      size,
      itemIdentity: (i: number) => identityPerItem[i],
      render: (i: number) => decodeRgb(join(values.data!, paths[i]), size),
    };
    const m = { model: loaded.model, backbone: config.model.backbone, inputSize: size };
    const { labels, scores } = await evaluatePairs(m, { images, pairs }, config.flipEval);
    process.stdout.write(`${JSON.stringify(evalOutput({ labels, scores: Float64Array.from(scores) }))}\n`);
    return 0;
  } finally {
    loaded.model.dispose();
  }
}
