import { describe, expect, inject, it } from 'vitest';
import { withLabBrowser } from './browser.ts';

describe('bench page, decode mode (npm run bench -- --decode)', () => {
  const browser = withLabBrowser();

  it('decodes synthetic JPEGs through the folder decoder in the worker and reports the throughput', async () => {
    const { page, consoleLines } = browser;
    await page.goto(new URL('src/ui/bench/bench.html?mode=decode&images=24&source=120', inject('baseUrl')).toString());
    const result = page.locator('#result[data-done]');
    await result.waitFor({ timeout: 120_000 });
    const parsed = JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
    expect(parsed.error, consoleLines.join('\n')).toBeUndefined();
    expect(parsed).toMatchObject({ bench: 'decode', images: 24, failures: 0, sourceSize: 120, concurrency: 4 });
    expect(parsed.imagesPerSec).toBeGreaterThan(0);
    expect(parsed.imagesPerSec).toBeCloseTo(24 / (parsed.seconds as number), 6);
  });
});

describe('built-in synthetic faces in the browser', () => {
  const browser = withLabBrowser();

  it('renders the same pixels in Chromium as in Node for the same seed', async () => {
    const { BUILTIN_DATA, createSynthDataset, pixelChecksum } = await import('../../src/core/synth/index.ts');
    const items = [0, 7, 1234, 1999]; // 1999: the last training item (100 identities × 20)
    const train = createSynthDataset(BUILTIN_DATA.train);
    const test = createSynthDataset(BUILTIN_DATA.test);
    const inNode = { train: items.map((i) => pixelChecksum(train.render(i))), test: items.map((i) => pixelChecksum(test.render(i % test.count))) };
    expect(inNode.train[0]).toBe('53dd069f'); // the value pinned in tests/unit/core/synth.test.ts

    const { page, consoleLines } = browser;
    await page.goto(new URL(`src/ui/bench/bench.html?mode=synth&items=${items.join(',')}`, inject('baseUrl')).toString());
    const result = page.locator('#result[data-done]');
    await result.waitFor({ timeout: 60_000 });
    const inBrowser = JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
    expect(inBrowser, consoleLines.join('\n')).toEqual({ bench: 'synth', ...inNode });
  });
});

describe('bench page, soak mode (npm run bench -- --soak)', () => {
  const browser = withLabBrowser();

  it('trains until stopped, with samples of steps, step time and flat tfjs memory in the worker', async () => {
    const { page, consoleLines } = browser;
    await page.goto(new URL('src/ui/bench/bench.html?mode=soak&backend=webgpu', inject('baseUrl')).toString());
    await page.waitForFunction(() => 'soak' in window, undefined, { timeout: 120_000 });
    const sample = () =>
      page.evaluate(() => (window as unknown as { soak: { sample(): Promise<{ step: number; stepMs: number; numTensors: number; numBytes: number }> } }).soak.sample());
    await expect.poll(async () => (await sample()).step, { timeout: 60_000, interval: 1000 }).toBeGreaterThanOrEqual(3);
    const first = await sample();
    await page.waitForTimeout(4000);
    const second = await sample();
    expect(second.step, consoleLines.join('\n')).toBeGreaterThan(first.step);
    expect(second.stepMs).toBeGreaterThan(0);
    // Per step nothing is left behind: the same tensors between steps, however many steps went by.
    expect(second.numTensors).toBe(first.numTensors);
    expect(second.numBytes).toBe(first.numBytes);
    await page.evaluate(() => (window as unknown as { soak: { stop(): void } }).soak.stop());
    const result = page.locator('#result[data-done]');
    await result.waitFor({ timeout: 60_000 });
    expect(JSON.parse((await result.textContent()) ?? '{}')).toMatchObject({ backend: 'webgpu', soak: 'stopped', reason: 'stopped' });
  });
});
