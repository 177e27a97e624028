import { describe, expect, inject, it } from 'vitest';
import type { BenchResult } from '../../src/protocol/api.ts';
import { withLabBrowser } from './browser.ts';

describe('training engine in the built app’s worker (headless Chromium, WebGPU)', () => {
  const browser = withLabBrowser();

  /** Opens the bench page with `query`, waits for its JSON and checks it trained on WebGPU without an error. */
  async function benchOnWebGpu(query: string): Promise<BenchResult> {
    const { page, consoleLines } = browser;
    await page.goto(new URL(`src/ui/bench/bench.html?${query}`, inject('baseUrl')).toString());
    const result = page.locator('#result[data-done]');
    await result.waitFor({ timeout: 280_000 });
    const parsed = JSON.parse((await result.textContent()) ?? '{}') as BenchResult & { error?: string };
    expect(parsed.error, consoleLines.join('\n')).toBeUndefined();
    expect(parsed.backend).toBe('webgpu');
    return parsed;
  }

  it('trains the tiny model on synthetic faces on webgpu and the loss falls', async () => {
    // A tiny overfit task: 4 identities × 4 images, width-4 CNN at 32 px, batch 16, Adam 0.01, 6 steps
    // (SwiftShader: ~2-3 s a step plus ~6 s of shader compilation on the first).
    const parsed = await benchOnWebGpu('backend=webgpu&model=tiny&steps=6&batch=16&size=32&data=builtin&width=4&identities=4');
    expect(parsed.steps).toBe(6);
    expect(parsed.stepEvents).toBe(6);
    expect(parsed.losses).toHaveLength(6);
    expect(parsed.losses.every(Number.isFinite)).toBe(true);
    // Every step has a real gradient (a WebGPU AddN over many inputs once read back 0 here).
    expect(parsed.gradNorms).toHaveLength(6);
    expect(
      parsed.gradNorms.every((g) => Number.isFinite(g) && g > 0),
      String(parsed.gradNorms),
    ).toBe(true);
    // Single steps are noisy (batches drawn with replacement); compare halves. Measured on the CPU backend
    // with the same seeds: first three 1.49, 1.10, 1.45 (mean 1.35), last three 1.08, 0.13, 1.03 (mean 0.75).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(parsed.losses.slice(3))).toBeLessThan(0.85 * mean(parsed.losses.slice(0, 3)));
  });

  it('profiles the kernels of a WebGPU training step (bench --profile)', async () => {
    // A timed step, then the profile's runs of 1 and 2 steps: about 4 steps of ~2-3 s on SwiftShader.
    const parsed = await benchOnWebGpu('backend=webgpu&model=tiny&steps=1&batch=8&size=32&data=builtin&width=4&identities=4&profile=1');
    const { kernels, kernelMsPerStep, untimedCalls } = parsed.profile!;
    const calls = Object.fromEntries(kernels.map((k) => [k.name, k.callsPerStep]));
    // Four convolutions: four filter gradients, and input gradients for all but the one on the image.
    expect(calls).toMatchObject({ Conv2DBackpropFilter: 4, Conv2DBackpropInput: 3 });
    expect(kernels.every((k) => Number.isFinite(k.msPerStep) && k.msPerStep >= 0)).toBe(true);
    // Timed where the adapter has timestamp queries (SwiftShader has), counted as untimed where not.
    expect(kernelMsPerStep > 0 || untimedCalls > 0).toBe(true);
  });
});
