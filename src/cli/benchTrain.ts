/**
 * `npm run bench -- --backend webgpu|webgl|wasm|cpu|auto --model tiny|resnet18|resnet50 --steps N --batch B
 * [--size PX] [--browser [--threads T]] [--profile] --json`: times N training steps and prints ONE JSON object (BenchResult; field names are a
 * contract: add, never rename). cpu and wasm run here in Node unless --browser is given; webgpu, webgl, auto and
 * --browser run in headless Chromium: the app is built with Vite, served with preview(), and the bench page
 * (src/ui/bench/bench.html) runs the lab worker's `bench` method and writes the JSON into <pre id="result">.
 * `--backend auto` is what a run in the lab does: the worker times the model on every backend that initialises
 * (src/core/backendProbe.ts) and trains on the fastest; the JSON adds `probes` (each backend's figures) and `backend`
 * is the one chosen.
 * `--threads T` sets wasm's threads in the (cross-origin-isolated) bench page; the JSON adds `wasmThreads`.
 * `--profile` then trains two more sessions under tf.profile, of 1 and N + 1 steps (about doubling the run), and
 * subtracts the first from the second; the JSON adds `profile`: the top kernels of a step from the second on
 * (`{"kernels": [{"name","msPerStep","callsPerStep","share"}], "kernelMsPerStep", "untimedCalls"}`).
 * A backend that cannot train prints {"backend","error"} and exits 1. (wasm in tfjs 4.22 lacks Conv2DBackpropFilter
 * and trains slowly with its stock Conv2DBackpropInput: startBackend registers the lab's kernels, src/ml/wasmKernels.ts.)
 */
import type { BackendName, BenchOptions, BenchResult } from '../protocol/api.ts';
import { BACKBONE_IDS, type BackboneId } from '../core/trainConfig.ts';
import { intOption, parseOptions, UsageError } from './args.ts';
import { runBenchPage } from './benchPage.ts';

const BACKENDS: readonly (BackendName | 'auto')[] = ['webgpu', 'webgl', 'wasm', 'cpu', 'auto'];

/** Parses the bench command line. */
export function benchOptions(argv: string[]): Omit<BenchOptions, 'backend'> & { backend: BackendName | 'auto'; browser: boolean } {
  const { values } = parseOptions(argv, {
    backend: { type: 'string' },
    model: { type: 'string', default: 'tiny' },
    steps: { type: 'string', default: '5' },
    batch: { type: 'string', default: '16' },
    size: { type: 'string', default: '32' },
    json: { type: 'boolean', default: false },
    browser: { type: 'boolean', default: false },
    threads: { type: 'string' },
    profile: { type: 'boolean', default: false },
  });
  const backend = values.backend as BackendName | 'auto';
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${values.backend}'`);
  if (values.threads !== undefined && (!values.browser || backend !== 'wasm')) throw new UsageError('--threads is for --backend wasm --browser: wasm in Node runs one thread');
  const model = values.model as BackboneId;
  if (!BACKBONE_IDS.includes(model)) throw new UsageError(`--model must be one of ${BACKBONE_IDS.join(', ')}, got '${values.model}'`);
  return {
    backend,
    backbone: model,
    steps: intOption(values.steps, 'steps', 1, 100_000),
    batchSize: intOption(values.batch, 'batch', 2, 4096),
    inputSize: intOption(values.size, 'size', 32, 1024),
    browser: values.browser === true,
    ...(values.threads === undefined ? {} : { wasmThreads: intOption(values.threads, 'threads', 1, 1024) }),
    ...(values.profile === true ? { profile: true } : {}),
  };
}

async function benchInNode(options: BenchOptions & { backend: 'cpu' | 'wasm' }): Promise<BenchResult> {
  const { startBackend } = await import('./commands/train.ts');
  await startBackend(options.backend);
  const { benchTrainSteps } = await import('../ml/train/bench.ts');
  return { backend: options.backend, ...(await benchTrainSteps(options)) };
}

/** The training benchmark in the lab worker in headless Chromium (webgpu, webgl, auto, or any with --browser), through the bench page. */
export async function benchInBrowser(options: Omit<BenchOptions, 'backend'> & { backend: BackendName | 'auto' }): Promise<BenchResult> {
  const query = new URLSearchParams({
    backend: options.backend,
    model: options.backbone,
    steps: String(options.steps),
    batch: String(options.batchSize),
    size: String(options.inputSize),
    ...(options.wasmThreads === undefined ? {} : { threads: String(options.wasmThreads) }),
    ...(options.profile ? { profile: '1' } : {}),
  });
  return (await runBenchPage(query)) as unknown as BenchResult;
}

/** Entry called by src/cli/bench.ts. */
export async function run(argv: string[]): Promise<number> {
  const options = benchOptions(argv);
  try {
    const { backend } = options;
    const inNode = (backend === 'cpu' || backend === 'wasm') && !options.browser;
    const result = inNode ? await benchInNode({ ...options, backend }) : await benchInBrowser(options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    const message = String((err as Error).message ?? err).split('\n')[0];
    process.stdout.write(`${JSON.stringify({ backend: options.backend, model: options.backbone, error: message })}\n`);
    return 1;
  }
}
