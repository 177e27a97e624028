/**
 * `lab train`: the lab's training loop in Node, on the tfjs CPU (default) or wasm backend, printing the
 * run's events as JSON lines (Float32Arrays as plain arrays). Ctrl-C stops gracefully after the batch.
 * Exit code: 0 completed or stopped, 1 diverged or failed, 2 bad usage or config.
 */
import type { TrainEvent } from '../../protocol/events.ts';
import { parseOptions, UsageError } from '../args.ts';
import { readConfigArg } from '../configArg.ts';
import { builtinSets, folderSet, type LabelledSet } from '../trainData.ts';

export const summary = 'train a model in Node (cpu|wasm) and print its events as JSON lines';

const USAGE = 'usage: lab train [--config FILE] --data DIR|builtin [--test DIR] [--backend cpu|wasm]';

/** JSON.stringify with typed arrays as plain arrays (and NaN/Infinity as null, as JSON has them). */
export function eventJson(event: TrainEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => (ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value));
}

/** Loads tfjs on `backend`; wasm needs its binaries found next to the package (Node reads them from disk). */
export async function startBackend(backend: 'cpu' | 'wasm'): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // wasm 4.22 lacks Conv2DBackpropFilter: without it no convolution can train there.
    const { registerWasmTrainingKernels } = await import('../../ml/wasmKernels.ts');
    registerWasmTrainingKernels();
  }
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`tfjs could not start the ${backend} backend`);
  await tf.ready();
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    config: { type: 'string' },
    data: { type: 'string' },
    test: { type: 'string' },
    backend: { type: 'string', default: 'cpu' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
  if (values.data === undefined) throw new UsageError(`--data is required\n${USAGE}`);
  const backend = values.backend;
  if (backend !== 'cpu' && backend !== 'wasm') throw new UsageError(`--backend must be cpu or wasm, got '${backend}'`);
  const config = await readConfigArg(values.config);
  if (config.model.pretrained === 'imagenet') throw new UsageError('model.pretrained imagenet is not supported by lab train yet (use the app)');

  const size = config.model.inputSize;
  let train: LabelledSet;
  let test: LabelledSet | null = null;
  if (values.data === 'builtin') {
    ({ train, test } = builtinSets(size));
  } else {
    train = await folderSet(values.data, size);
  }
  if (values.test !== undefined) test = await folderSet(values.test, size);

  await startBackend(backend);
  const { TrainingSession } = await import('../../ml/train/session.ts');
  const { TrainControl } = await import('../../ml/train/control.ts');
  const { itemBatchSource, makeTestSet } = await import('../../ml/train/data.ts');
  const session = await TrainingSession.create(config, train.identities);
  const sampleTest = (set: LabelledSet) => {
    try {
      return makeTestSet(set.set, config.evalPairs, config.seed);
    } catch (err) {
      throw new Error(`test set${values.test === undefined ? '' : ` ${values.test}`}: ${(err as Error).message}`, { cause: err });
    }
  };
  const control = new TrainControl();
  const onSignal = () => control.stop();
  process.once('SIGINT', onSignal);
  try {
    const testSet = test ? sampleTest(test) : null;
    if (testSet && testSet.pairs.length < config.evalPairs) {
      // A small test folder is used whole; stdout stays the run's events, so the note goes to stderr.
      process.stderr.write(
        `lab train: note: evaluating on ${testSet.pairs.length} pairs, the most balanced pairs the ${testSet.images.count} test images give (evalPairs asks for ${config.evalPairs})\n`,
      );
    }
    const result = await session.run(itemBatchSource(train.set, train.identities), (e) => process.stdout.write(`${eventJson(e)}\n`), { control, test: testSet });
    return result.reason === 'diverged' ? 1 : 0;
  } catch (err) {
    process.stdout.write(`${eventJson({ type: 'error', runId: session.runId, message: (err as Error).message })}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    session.dispose();
  }
}
