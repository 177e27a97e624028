/**
 * Backend choice by measurement (issue 12), in the built app in headless Chromium, where WebGPU is SwiftShader
 * (software): the bench page's `backend=auto` times every backend and trains on the fastest; the lab in auto mode
 * probes when a run starts, says what it measured, keeps the probe in IndexedDB for the next page, and a backend the
 * user forces in "Train on" is used without a probe and remembered across reloads.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { BackendProbe } from '../../src/core/backendProbe.ts';
import { withLabBrowser } from './browser.ts';
import { labUrl } from './micro.ts';

describe('backend choice by measurement in headless Chromium', () => {
  const browser = withLabBrowser({ backend: 'auto' });
  const status = () => browser.page.getByRole('status', { name: 'Backend' });
  /** Runs listed as completed in the runs table (kept across reloads), to wait for the end of the nth run. */
  const finishedRuns = () => browser.page.locator('table tbody tr', { hasText: 'completed' }).count();
  const runsDone = (n: number) => expect.poll(finishedRuns, { timeout: 240_000, interval: 500 }).toBe(n);

  it('the bench page with backend=auto times each backend and trains on the fastest', async () => {
    const { page, consoleLines } = browser;
    await page.goto(new URL('src/ui/bench/bench.html?backend=auto&model=tiny&steps=2&batch=8&size=32&data=builtin&width=4&identities=4', inject('baseUrl')).toString());
    const result = page.locator('#result[data-done]');
    await result.waitFor({ timeout: 240_000 });
    const parsed = JSON.parse((await result.textContent()) ?? '{}') as { backend?: string; error?: string; steps?: number; probes?: BackendProbe[] };
    expect(parsed.error, consoleLines.join('\n')).toBeUndefined();
    const probes = parsed.probes ?? [];
    expect(probes.map((p) => p.backend)).toEqual(['wasm', 'webgl', 'webgpu']);
    const measured = probes.filter((p) => p.imgPerSec !== undefined);
    expect(measured.length, JSON.stringify(probes)).toBeGreaterThan(0);
    const fastest = measured.reduce((a, b) => (b.imgPerSec! > a.imgPerSec! ? b : a));
    expect(parsed.backend).toBe(fastest.backend);
    expect(parsed.steps).toBe(2);
    // SwiftShader is a software adapter, and the probe says so.
    expect(probes.find((p) => p.backend === 'webgpu')).toMatchObject({ adapter: 'SwiftShader', software: true });
  });

  it('probes when a run starts, caches the probe across reloads, and honours a forced backend', async () => {
    const { page } = browser;
    // Auto, whatever a browser test forces elsewhere (a test that needs WebGPU stores that choice in the page under
    // src/ui/worker/useLabWorker.ts BACKEND_CHOICE_KEY, which tests may not import).
    await page.goto(inject('baseUrl'));
    await page.evaluate(() => localStorage.setItem('margin-lab:backend', 'auto'));
    await page.goto(labUrl());
    await status().and(page.locator('[data-choice="first"]')).waitFor({ timeout: 120_000 });
    expect(await status().textContent()).toMatch(/auto: the fastest is measured when a run starts$/);

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await runsDone(1);
    const measured = status().and(page.locator('[data-choice="measured"]'));
    await measured.waitFor({ timeout: 10_000 });
    const text = (await status().textContent()) ?? '';
    // "Backend: WASM · 330 img/s — WebGL 4.8 img/s at batch 2, WebGPU (SwiftShader, software) 2.4 img/s at batch 2"
    expect(text).toMatch(/^Backend: (WASM|WebGL|WebGPU) · [\d.]+ img\/s — .*WebGPU \(SwiftShader, software\) ([\d.]+ img\/s|failed)/);
    const chosen = { WASM: 'wasm', WebGL: 'webgl', WebGPU: 'webgpu' }[/^Backend: (\w+)/.exec(text)![1]];
    expect(await status().getAttribute('data-backend')).toBe(chosen);
    // The run's record names the backend it trained on (the runs table's Backend column, in Compare).
    const headers = await page.locator('table thead th').allTextContents();
    const backendColumn = headers.findIndex((h) => h.trim().startsWith('Backend'));
    expect(backendColumn, headers.join(' | ')).toBeGreaterThanOrEqual(0);
    expect((await page.locator('table tbody tr').first().locator('td, th').nth(backendColumn).textContent())?.trim()).toBe(chosen);

    // A new page (new worker) finds the probe in IndexedDB: the next run does not measure again.
    await page.reload();
    await status().and(page.locator('[data-choice="first"]')).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await status().and(page.locator('[data-choice="cached"]')).waitFor({ timeout: 60_000 });
    await runsDone(2);
    expect(await status().getAttribute('data-backend')).toBe(chosen);

    // Forcing WebGPU switches the worker at once and survives a reload; a run then trains without a probe.
    await page.getByRole('combobox', { name: /Train on/ }).selectOption('webgpu');
    await status().and(page.locator('[data-backend="webgpu"][data-choice="forced"]')).waitFor({ timeout: 60_000 });
    await page.reload();
    await status().and(page.locator('[data-backend="webgpu"][data-choice="forced"]')).waitFor({ timeout: 120_000 });
    expect(await page.getByRole('combobox', { name: /Train on/ }).inputValue()).toBe('webgpu');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await runsDone(3);
    expect(await status().getAttribute('data-choice')).toBe('forced');
    expect(await status().getAttribute('data-backend')).toBe('webgpu');
    await page.getByRole('combobox', { name: /Train on/ }).selectOption('auto');
    await status().and(page.locator('[data-choice="first"]')).waitFor({ timeout: 60_000 });
  });
});
