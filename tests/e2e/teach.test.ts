/**
 * The teaching views in the real app, WebGPU on SwiftShader in the worker: a toy 2-D run draws
 * "Hypersphere" with every identity, a margin moved during training is applied from the next step and
 * recorded, and lesson mode advances through its steps with its position in the URL.
 */
import { describe, expect, inject, it } from 'vitest';
import { encodeConfigHash } from '../../src/core/configCodec.ts';
import { parseTrainConfig, type TrainConfigInput } from '../../src/core/trainConfig.ts';
import { TOY_DATA } from '../../src/core/toy.ts';
import { showView, withLabBrowser } from './browser.ts';

/** Micro runs (width-4 CNN at 32 px, batch 16, no flip at evaluation): SwiftShader takes 1–2 s a step. */
const micro = (overrides: TrainConfigInput) =>
  parseTrainConfig({
    model: { backbone: 'tiny', inputSize: 32, width: 4, embeddingDim: 2 },
    loss: { kind: 'arcface', scale: 16, marginDeg: 20 },
    optimizer: { kind: 'adam', lr: 0.01, momentum: 0.9 },
    batchSize: 16,
    evalEvery: 0,
    evalPairs: 40,
    flipEval: false,
    checkpointEvery: 0,
    ...overrides,
  });

describe('teaching views in headless Chromium', () => {
  const browser = withLabBrowser();

  const open = async (hash: string) => {
    // From a blank page: a goto that changes only the hash would not reload the app.
    await browser.page.goto('about:blank');
    await browser.page.goto(new URL(hash, inject('baseUrl')).toString());
    await browser.page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
  };
  const lastRun = () => browser.page.getByRole('status', { name: 'Last run' });
  /** Names and point counts of a figure's traces (Plotly keeps the drawn data on its graph div). */
  const traces = (testId: string) =>
    browser.page.evaluate((id) => {
      const graph = document.querySelector(`[data-testid="${id}"]`) as (HTMLElement & { data?: { name?: string; x: ArrayLike<number> }[] }) | null;
      return (graph?.data ?? []).map((t) => ({ name: t.name ?? '', points: t.x.length }));
    }, testId);

  it('a toy 2-D run draws "Hypersphere" with points for every identity', async () => {
    const { page, consoleLines } = browser;
    await open(encodeConfigHash(micro({ steps: 4 })));
    await showView(page, 'teach');
    await page.getByRole('button', { name: 'Train on toy data' }).click();
    // The top bar's run status is in sight in Teach (the training panel's "Last run" is in Train).
    await page
      .getByRole('status', { name: 'Run progress' })
      .filter({ hasText: /last run: .*completed/ })
      .waitFor({ timeout: 240_000 });
    await expect.poll(async () => (await traces('plot-hypersphere')).filter((t) => t.name.startsWith('identity ')).length, { timeout: 20_000 }).toBe(TOY_DATA.train.identities);
    const drawn = await traces('plot-hypersphere');
    const identities = drawn.filter((t) => t.name.startsWith('identity '));
    expect(
      identities.map((t) => t.name),
      consoleLines.join('\n'),
    ).toEqual([...Array(TOY_DATA.train.identities).keys()].map((i) => `identity ${i}`));
    for (const t of identities) expect(t.points).toBeGreaterThan(0);
    // A centre ray and a ±20° margin wedge per identity, on the unit circle.
    expect(drawn.filter((t) => t.name.startsWith('centre of identity '))).toHaveLength(TOY_DATA.train.identities);
    expect(drawn.filter((t) => t.name.startsWith('margin ±20°'))).toHaveLength(TOY_DATA.train.identities);
    await expect(page.getByRole('figure', { name: 'Hypersphere' }).locator('.gtitle').textContent()).resolves.toMatch(/Unit circle/);
    // The angle columns of the runs table (in Compare) are filled.
    await page.screenshot({ path: 'test-results/teach-hypersphere.png', fullPage: true });
    await showView(page, 'compare');
    const headers = await page.locator('table').first().locator('thead th').allTextContents();
    const intra = await page
      .locator('table')
      .first()
      .locator('tbody tr')
      .first()
      .locator('td')
      .nth(headers.findIndex((h) => h.trim() === 'Intra'))
      .textContent();
    expect(intra?.trim()).toMatch(/^\d+\.\d°$/);
  });

  it('moving the margin slider during training changes the run’s margin from the next step on', async () => {
    const { page } = browser;
    await open(encodeConfigHash(micro({ steps: 60 })));
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const progress = page.getByText(/^Step \d+ \/ 60/);
    await expect
      .poll(async () => Number((await progress.textContent().catch(() => ''))?.match(/^Step (\d+)/)?.[1] ?? -1), { timeout: 240_000, interval: 500 })
      .toBeGreaterThanOrEqual(2);
    const seenBefore = Number((await progress.textContent())!.match(/^Step (\d+)/)![1]);
    await showView(page, 'teach');
    await page.getByLabel('Margin (°)').evaluate((el) => {
      const input = el as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, '50');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const change = page.getByRole('list', { name: 'Changes made while training' }).getByRole('listitem');
    await change.waitFor({ timeout: 60_000 });
    const changedAt = Number((await change.textContent())!.match(/^step (\d+): margin 50°$/)![1]);
    expect(changedAt).toBeGreaterThanOrEqual(seenBefore);
    // Space pauses and resumes from any view (the focus off the slider, whose own key Space is not).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('status', { name: 'Run progress' }).textContent(), { timeout: 60_000 }).toMatch(/^Paused/);
    await showView(page, 'train');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await lastRun().filter({ hasText: 'stopped' }).waitFor({ timeout: 240_000 });
    // Marked on the loss curve at that step, and the run is flagged in the runs table.
    const marks = await page.evaluate(() => {
      const graph = document.querySelector('[data-testid="plot-loss-curve"]') as (HTMLElement & { layout?: { annotations?: { x: number; text: string }[] } }) | null;
      return graph?.layout?.annotations ?? [];
    });
    expect(marks.filter((a) => a.text.startsWith('changed'))).toEqual([expect.objectContaining({ x: changedAt, text: 'changed: margin 50°' })]);
    await showView(page, 'compare');
    await expect(page.locator('table.runs-table tbody tr').first().textContent()).resolves.toMatch(/changed mid-run \(1×\)/);
  });

  it('lesson mode advances through its steps, with the position in the URL and the arrow keys', async () => {
    const { page } = browser;
    // A lesson link opens the Teach view.
    await open('#v=1&lesson=margins&step=2');
    await page.locator('#view-teach:not([hidden])').waitFor();
    const title = page.locator('.lesson-step h3');
    await expect(title.textContent()).resolves.toBe('2. Softmax + intra-class penalty');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(title.textContent()).resolves.toBe('3. Margin 30°');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/lesson=margins&step=3$/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => title.textContent()).toBe('2. Softmax + intra-class penalty');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => title.textContent()).toBe('4. Margin 45°');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(title.textContent()).resolves.toBe('6. Alignment on and off');
    expect(await page.getByRole('button', { name: 'Next', exact: true }).isDisabled()).toBe(true);
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/step=6$/);
    await page.getByRole('button', { name: 'Leave lesson' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).not.toMatch(/lesson=/);
  });
});
