/**
 * The lab as a user sees it: a shared link with a tiny config, "Train", live figures, the runs table,
 * a second run overlaid on the ROC curve, and runs surviving a reload. Real WebGPU (SwiftShader) in the worker.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openSettings, showView, withLabBrowser } from './browser.ts';
import { labUrl } from './micro.ts';

describe('the lab UI in headless Chromium', () => {
  const browser = withLabBrowser();

  /** Number of points in the first trace of a figure (Plotly keeps the drawn data on its graph div). */
  const tracePoints = (testId: string) =>
    browser.page.evaluate((id) => {
      const graph = document.querySelector(`[data-testid="${id}"]`) as (HTMLElement & { data?: { x: ArrayLike<number> }[] }) | null;
      return graph?.data?.[0]?.x.length ?? 0;
    }, testId);
  const rocLegend = () => browser.page.locator('figure[aria-label="ROC curve"] .legendtext').allTextContents();
  const finishedRuns = () => browser.page.locator('table tbody tr', { hasText: 'completed' }).count();

  it('trains from a shared link, draws loss, ROC and AUC, overlays a second run, and keeps runs after a reload', async () => {
    const { page, consoleLines } = browser;
    const log = () => consoleLines.join('\n');
    // Long tasks on the main thread (≥ 50 ms), recorded from page start; the list is cleared before training.
    await page.addInitScript(() => {
      const tasks: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = tasks;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    });
    const takeLongTasks = () => page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
    await page.goto(labUrl());
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    // The link's settings reached the controls (in the Train view's settings panel).
    await openSettings(page);
    await expect(page.getByLabel('Steps', { exact: true }).inputValue()).resolves.toBe('6');

    const startupTasks = await takeLongTasks();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByRole('status', { name: 'Last run' }).filter({ hasText: 'completed' }).waitFor({ timeout: 240_000 });
    expect(await tracePoints('plot-loss-curve'), log()).toBe(6);
    expect((await rocLegend()).filter((t) => /AUC \d\.\d{4}/.test(t))).toHaveLength(1);

    // The AUC column of the runs table (in Compare) shows the run's figure.
    await showView(page, 'compare');
    const headers = await page.locator('table thead th').allTextContents();
    const aucColumn = headers.findIndex((h) => h.trim().startsWith('AUC'));
    expect(aucColumn, headers.join(' | ')).toBeGreaterThanOrEqual(0);
    const auc = await page.locator('table tbody tr').first().locator('td, th').nth(aucColumn).textContent();
    expect(auc?.trim()).toMatch(/^(0|1)\.\d{4}$/);

    // A second run with another loss overlays its ROC curve on the first.
    await openSettings(page);
    await page.getByLabel('Loss', { exact: true }).selectOption('arcface');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(finishedRuns, { timeout: 240_000, interval: 1000 }).toBe(2);
    await expect.poll(async () => (await rocLegend()).filter((t) => /AUC/.test(t)).length, { timeout: 10_000 }).toBe(2);

    // Responsiveness while two runs trained and drew (a figure to report, not a timed assertion).
    const trainingTasks = await takeLongTasks();
    const longTasks = { startupMs: startupTasks, whileTrainingMs: trainingTasks, worstWhileTrainingMs: Math.max(0, ...trainingTasks) };
    console.log(
      `main-thread long tasks while training: ${trainingTasks.length}, worst ${longTasks.worstWhileTrainingMs.toFixed(0)} ms; at start-up: ${startupTasks.map((t) => t.toFixed(0)).join(', ') || 'none'} ms`,
    );
    await mkdir('test-results', { recursive: true });
    await writeFile('test-results/long-tasks.json', JSON.stringify(longTasks, null, 2));
    await page.screenshot({ path: 'test-results/lab-ui.png', fullPage: true });

    // Runs are kept in IndexedDB and come back after a reload.
    await page.reload();
    await expect.poll(finishedRuns, { timeout: 30_000 }).toBe(2);
  });
});
