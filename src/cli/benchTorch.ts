/**
 * `npm run bench -- --torch --model resnet18|resnet50|tiny --size PX --batch B --steps N [--backend wasm|cpu]
 * [--browser] [--arch torchvision|lab] [--threads T] [--rounds R] [--json]`: the lab's training speed next to PyTorch's
 * on the same cores, measured one after the other in one run (R times, alternating, with `--rounds`). The lab trains on
 * wasm (or cpu) in Node, one thread, with the benchmark's config (src/ml/train/benchConfig.ts); with `--browser` it
 * trains as the app does, in the lab worker in headless Chromium on threaded wasm with T threads (wasm only). PyTorch
 * (Debian's python3-torch for /usr/bin/python3) trains the same input size, batch, embedding layer, head and loss on
 * T threads with src/cli/torch/bench.py. Prints ONE JSON object (field names are a contract: add, never rename):
 * {"bench":"torch-ratio", model, size, batch, steps, lab: {backend, threads, imgPerSec, stepMs[, browser]},
 * torch: {torch, arch, threads, imgPerSec, stepMs}, ratio} where ratio = lab / PyTorch img/s. With R > 1 rounds the
 * figures are those of the round with the median ratio (the lower of the two middle ones), and `rounds` adds every
 * round's [{labImgPerSec, torchImgPerSec, ratio}]: on a shared machine both sides drift by ±10–20 % within minutes
 * (PyTorch's ResNet18 ran at 74 to 110 img/s in one 5-round run), so one pair of figures can be off by as much.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchOptions } from '../protocol/api.ts';
import { BACKBONE_IDS, type BackboneId } from '../core/trainConfig.ts';
import { intOption, parseOptions, UsageError } from './args.ts';

/** Debian's Python, where python3-torch installs (the `python3` on PATH may be another one without torch). */
export const TORCH_PYTHON = process.env.MARGIN_LAB_TORCH_PYTHON ?? '/usr/bin/python3';
const BENCH_PY = fileURLToPath(new URL('./torch/bench.py', import.meta.url));

/** What `--torch` measures. */
export interface TorchBenchOptions extends BenchOptions {
  backend: 'wasm' | 'cpu';
  arch: 'torchvision' | 'lab';
  /** PyTorch's threads, and the lab's with `browser` (default: every core). */
  threads: number;
  /** Measure the lab in headless Chromium (threaded wasm, `threads` threads) rather than in Node. */
  browser: boolean;
  /** Rounds of PyTorch then the lab. */
  rounds: number;
}

/** Parses the `--torch` command line. */
export function torchBenchOptions(argv: string[]): TorchBenchOptions {
  const { values } = parseOptions(argv, {
    torch: { type: 'boolean' },
    backend: { type: 'string', default: 'wasm' },
    model: { type: 'string', default: 'resnet18' },
    steps: { type: 'string', default: '5' },
    batch: { type: 'string', default: '16' },
    size: { type: 'string', default: '64' },
    arch: { type: 'string' },
    threads: { type: 'string', default: String(availableParallelism()) },
    json: { type: 'boolean', default: false },
    browser: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
  });
  const backend = values.backend;
  if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--torch measures the lab on wasm or cpu: --backend must be wasm or cpu, got '${backend}'`);
  if (values.browser === true && backend !== 'wasm') throw new UsageError('--torch --browser measures the lab on threaded wasm in Chromium: --backend must be wasm');
  const model = values.model as BackboneId;
  if (!BACKBONE_IDS.includes(model)) throw new UsageError(`--model must be one of ${BACKBONE_IDS.join(', ')}, got '${values.model}'`);
  // torchvision has no 'tiny': the lab's own network in PyTorch is the only like-for-like there.
  const arch = values.arch ?? (model === 'tiny' ? 'lab' : 'torchvision');
  if (arch !== 'torchvision' && arch !== 'lab') throw new UsageError(`--arch must be torchvision or lab, got '${arch}'`);
  if (arch === 'torchvision' && model === 'tiny') throw new UsageError('torchvision has no tiny model: use --arch lab');
  return {
    backend,
    arch,
    backbone: model,
    steps: intOption(values.steps, 'steps', 1, 100_000),
    batchSize: intOption(values.batch, 'batch', 2, 4096),
    inputSize: intOption(values.size, 'size', 32, 1024),
    threads: intOption(values.threads, 'threads', 1, 1024),
    browser: values.browser === true,
    rounds: intOption(values.rounds, 'rounds', 1, 20),
  };
}

/** The index of the median of `ratios` (the lower of the two middle ones for an even count). */
export function medianRoundIndex(ratios: readonly number[]): number {
  if (ratios.length === 0) throw new Error('no rounds');
  const order = ratios.map((_, i) => i).sort((a, b) => ratios[a] - ratios[b] || a - b);
  return order[Math.floor((ratios.length - 1) / 2)];
}

/** PyTorch's figure: runs bench.py with the benchmark's config. */
async function torchFigure(options: TorchBenchOptions, config: unknown, classes: number): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'margin-lab-torch-bench-'));
  try {
    const configPath = join(dir, 'config.json');
    await writeFile(configPath, JSON.stringify(config));
    const args = [BENCH_PY, '--config', configPath, '--classes', String(classes), '--steps', String(options.steps), '--arch', options.arch, '--threads', String(options.threads)];
    const { stdout } = await promisify(execFile)(TORCH_PYTHON, args, { maxBuffer: 1 << 20 }).catch((err: Error & { stderr?: string }) => {
      const why = err.stderr?.trim().split('\n').at(-1) ?? err.message;
      throw new Error(`PyTorch (${TORCH_PYTHON}) could not run the benchmark: ${why} (Debian: apt-get install python3-torch python3-torchvision)`);
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The lab's side of the JSON (`lab`). */
interface LabFigure {
  backend: string;
  threads: number;
  imgPerSec: number;
  stepMs: number;
  /** Measured in headless Chromium (`--browser`). */
  browser?: true;
}

/** The lab's figure in Node: wasm runs single-threaded there (src/cli/commands/train.ts). */
async function labInNode(options: TorchBenchOptions): Promise<LabFigure> {
  const { benchTrainSteps } = await import('../ml/train/bench.ts');
  const { startBackend } = await import('./commands/train.ts');
  await startBackend(options.backend);
  const lab = await benchTrainSteps(options);
  return { backend: options.backend, threads: 1, imgPerSec: lab.imgPerSec, stepMs: lab.stepMs };
}

/** The lab's figure as the app trains: the lab worker in headless Chromium on threaded wasm, `threads` threads. */
async function labInBrowser(options: TorchBenchOptions): Promise<LabFigure> {
  const { benchInBrowser } = await import('./benchTrain.ts');
  // The bench page throws when the worker reports an error.
  const lab = await benchInBrowser({ ...options, backend: 'wasm', wasmThreads: options.threads });
  return { backend: lab.backend, threads: lab.wasmThreads ?? options.threads, imgPerSec: lab.imgPerSec, stepMs: lab.stepMs, browser: true };
}

/** Entry called by src/cli/bench.ts. */
export async function run(argv: string[]): Promise<number> {
  const options = torchBenchOptions(argv);
  const { benchTrainConfig } = await import('../ml/train/benchConfig.ts');
  const { BENCH_DEFAULT_IDENTITIES } = await import('../ml/train/bench.ts');
  const base = { model: options.backbone, size: options.inputSize, batch: options.batchSize, steps: options.steps };
  try {
    const config = benchTrainConfig(options);
    const measured: { lab: LabFigure; torch: Record<string, unknown>; ratio: number }[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const torch = await torchFigure(options, config, BENCH_DEFAULT_IDENTITIES);
      const lab = options.browser ? await labInBrowser(options) : await labInNode(options);
      measured.push({ lab, torch, ratio: Math.round((lab.imgPerSec / Number(torch.imgPerSec)) * 1e4) / 1e4 });
    }
    const { lab, torch, ratio } = measured[medianRoundIndex(measured.map((m) => m.ratio))];
    const rounds = measured.map((m) => ({ labImgPerSec: m.lab.imgPerSec, torchImgPerSec: Number(m.torch.imgPerSec), ratio: m.ratio }));
    process.stdout.write(`${JSON.stringify({ bench: 'torch-ratio', ...base, lab, torch, ratio, ...(options.rounds > 1 ? { rounds } : {}) })}\n`);
    return 0;
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ bench: 'torch-ratio', ...base, error: String((err as Error).message ?? err).split('\n')[0] })}\n`);
    return 1;
  }
}
