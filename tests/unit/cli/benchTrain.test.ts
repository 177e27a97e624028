import { describe, expect, it } from 'vitest';
import { benchOptions } from '../../../src/cli/benchTrain.ts';

describe('npm run bench -- --backend …', () => {
  it('takes auto (probe, then train on the fastest) and --browser (wasm or cpu in the Chromium worker)', () => {
    expect(benchOptions(['--backend', 'auto', '--model', 'tiny', '--size', '32', '--batch', '16', '--steps', '5', '--json'])).toEqual({
      backend: 'auto',
      backbone: 'tiny',
      steps: 5,
      batchSize: 16,
      inputSize: 32,
      browser: false,
    });
    expect(benchOptions(['--backend', 'wasm', '--browser'])).toMatchObject({ backend: 'wasm', browser: true });
    // Threads exist only for wasm in the (cross-origin-isolated) browser page.
    expect(benchOptions(['--backend', 'wasm', '--browser', '--threads', '2'])).toMatchObject({ backend: 'wasm', browser: true, wasmThreads: 2 });
    expect(() => benchOptions(['--backend', 'wasm', '--threads', '2'])).toThrow(/--threads is for --backend wasm --browser/);
    expect(() => benchOptions(['--backend', 'webgpu', '--threads', '2'])).toThrow(/--threads is for/);
    expect(() => benchOptions(['--backend', 'tpu'])).toThrow(/--backend must be one of webgpu, webgl, wasm, cpu, auto, got 'tpu'/);
  });

  it('takes --profile on every backend, in Node and in the browser', () => {
    expect(benchOptions(['--backend', 'wasm', '--profile'])).toMatchObject({ backend: 'wasm', profile: true, browser: false });
    expect(benchOptions(['--backend', 'webgpu', '--profile'])).toMatchObject({ backend: 'webgpu', profile: true });
    expect(benchOptions(['--backend', 'wasm'])).not.toHaveProperty('profile');
  });
});
