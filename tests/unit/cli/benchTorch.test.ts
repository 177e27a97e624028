/**
 * `npm run bench -- --torch`: the command line, and PyTorch's side (src/cli/torch/bench.py) training the benchmark's
 * config for real. Needs Debian's PyTorch for /usr/bin/python3, as tests/unit/cli/torchExport.test.ts does.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.ts';
import { medianRoundIndex, TORCH_PYTHON, torchBenchOptions } from '../../../src/cli/benchTorch.ts';
import { benchTrainConfig } from '../../../src/ml/train/benchConfig.ts';

const HAS_TORCH = spawnSync(TORCH_PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;
const BENCH_PY = join(import.meta.dirname, '../../../src/cli/torch/bench.py');

describe('bench --torch options', () => {
  it('measures the lab on wasm against torchvision on every core by default', () => {
    const options = torchBenchOptions(['--torch', '--model', 'resnet50', '--size', '112', '--batch', '16', '--steps', '3']);
    expect(options).toMatchObject({ backend: 'wasm', arch: 'torchvision', backbone: 'resnet50', inputSize: 112, batchSize: 16, steps: 3 });
    expect(options.threads).toBeGreaterThanOrEqual(1);
  });

  it("compares the tiny model with the lab's own network in PyTorch (torchvision has none)", () => {
    expect(torchBenchOptions(['--torch', '--model', 'tiny']).arch).toBe('lab');
    expect(() => torchBenchOptions(['--torch', '--model', 'tiny', '--arch', 'torchvision'])).toThrow(UsageError);
  });

  it('measures the lab as the app trains (threaded wasm in Chromium) on as many threads as PyTorch with --browser', () => {
    const options = torchBenchOptions(['--torch', '--browser', '--threads', '2', '--model', 'resnet18']);
    expect(options).toMatchObject({ backend: 'wasm', browser: true, threads: 2 });
    expect(torchBenchOptions(['--torch']).browser).toBe(false);
    expect(() => torchBenchOptions(['--torch', '--browser', '--backend', 'cpu'])).toThrow(/--backend must be wasm/);
  });

  it('alternates PyTorch and the lab for --rounds rounds and reports the round with the median ratio', () => {
    expect(torchBenchOptions(['--torch']).rounds).toBe(1);
    expect(torchBenchOptions(['--torch', '--rounds', '3']).rounds).toBe(3);
    expect(() => torchBenchOptions(['--torch', '--rounds', '0'])).toThrow(/--rounds/);
    expect(medianRoundIndex([0.2])).toBe(0);
    expect(medianRoundIndex([0.24, 0.2, 0.22])).toBe(2);
    // Even count: the lower middle, so that the figures reported are one round's own.
    expect(medianRoundIndex([0.3, 0.1, 0.2, 0.25])).toBe(2);
    expect(() => medianRoundIndex([])).toThrow();
  });

  it('refuses browser backends and unknown models with a usage error', () => {
    expect(() => torchBenchOptions(['--torch', '--backend', 'webgpu'])).toThrow(/wasm or cpu/);
    expect(() => torchBenchOptions(['--torch', '--model', 'vgg'])).toThrow(UsageError);
    expect(() => torchBenchOptions(['--torch', '--batch', '1'])).toThrow(/--batch/);
  });
});

describe.runIf(HAS_TORCH)("PyTorch's side of the benchmark (bench.py)", () => {
  const exec = promisify(execFile);

  async function benchPy(model: 'tiny' | 'resnet18', arch: 'lab' | 'torchvision') {
    const dir = await mkdtemp(join(tmpdir(), 'bench-torch-test-'));
    try {
      const config = benchTrainConfig({ backbone: model, inputSize: 32, batchSize: 4, steps: 2, ...(model === 'tiny' ? { width: 4 } : { width: 8 }) });
      await writeFile(join(dir, 'config.json'), JSON.stringify(config));
      const { stdout } = await exec(TORCH_PYTHON, [BENCH_PY, '--config', join(dir, 'config.json'), '--classes', '5', '--steps', '2', '--arch', arch, '--threads', '1']);
      return JSON.parse(stdout) as Record<string, number | string>;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("trains the lab's network with the benchmark's loss and prints one figure", async () => {
    const figure = await benchPy('tiny', 'lab');
    expect(figure).toMatchObject({ arch: 'lab', threads: 1 });
    expect(figure.imgPerSec).toBeGreaterThan(0);
    expect(figure.stepMs).toBeCloseTo((4 * 1000) / Number(figure.imgPerSec), 1);
    // ArcFace at s = 64 on 5 classes: the loss of an untrained model is far above ln 5, and finite.
    expect(Number.isFinite(figure.lastLoss)).toBe(true);
    expect(figure.firstLoss).toBeGreaterThan(Math.log(5));
  }, 60_000);

  it("trains torchvision's ResNet with the lab's embedding layer", async () => {
    const figure = await benchPy('resnet18', 'torchvision');
    expect(figure.arch).toBe('torchvision');
    expect(Number.isFinite(figure.lastLoss)).toBe(true);
  }, 60_000);
});
