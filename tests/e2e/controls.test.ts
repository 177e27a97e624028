/**
 * Controls that answer at once and runs that are never lost, in the real app with
 * WebGPU on SwiftShader in the worker (a micro step takes 1–2 s there, so "within one step" is measurable):
 * Pause and Stop halt after the step in flight and say so at the click; a run that evaluates only at the end
 * survives a reload through its checkpoints, with its curve and time, and resumes to the end.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { encodeConfigHash } from '../../src/core/configCodec.ts';
import { showView, withLabBrowser } from './browser.ts';
import { microConfig } from './micro.ts';

describe('training controls and reloads in headless Chromium', () => {
  const browser = withLabBrowser();

  const open = async (page: Page, hash: string) => {
    await page.goto('about:blank');
    await page.goto(new URL(hash, inject('baseUrl')).toString());
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
  };
  const progressLine = (page: Page) => page.locator('.progress p').first();
  const lastRun = (page: Page) => page.getByRole('status', { name: 'Last run' });

  /** The step the progress line shows now (NaN when none). */
  const shownStep = async (page: Page) => Number(/^Step (\d+) \//.exec((await progressLine(page).textContent()) ?? '')?.[1]);

  /**
   * Waits for the progress line to change to a step ≥ `atLeast`, then clicks `button` in the same task as that
   * change (the engine has just begun the next step, so "after the step in flight" means one more); returns the
   * step shown at the click.
   */
  const clickOnNextStep = (page: Page, atLeast: number, button: string): Promise<number> =>
    page.evaluate(
      ([least, name]) =>
        new Promise<number>((resolve, reject) => {
          const shown = () => Number(/^Step (\d+) \//.exec(document.querySelector('.progress p')?.textContent ?? '')?.[1]);
          const observer = new MutationObserver(() => {
            const step = shown();
            if (!(step >= least)) return;
            observer.disconnect();
            const target = [...document.querySelectorAll('button')].find((b) => b.textContent === name);
            if (!target || target.disabled) return reject(new Error(`no enabled ${name} button at step ${step}`));
            target.click();
            resolve(step);
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        }),
      [atLeast, button] as const,
    );

  it('pauses and stops after the step in flight, saying "pausing…" and "stopping…" at the click', async () => {
    const { page, consoleLines } = browser;
    await open(page, encodeConfigHash(microConfig({ steps: 60 })));
    await page.getByRole('button', { name: 'Train', exact: true }).click();

    const shownAtPause = await clickOnNextStep(page, 3, 'Pause');
    // At once, before the step in flight ends (a step takes 1–2 s here).
    await expect.poll(() => progressLine(page).textContent(), { timeout: 500, interval: 50 }).toMatch(/· paus(ing…|ed)/);
    await page.locator('.progress p', { hasText: '· paused' }).waitFor({ timeout: 60_000 });
    const pausedAt = await shownStep(page);
    expect(pausedAt - shownAtPause, consoleLines.join('\n')).toBeLessThanOrEqual(1);
    // Parked: nothing more trains.
    await page.waitForTimeout(3000);
    await expect(progressLine(page).textContent()).resolves.toMatch(new RegExp(`^Step ${pausedAt} /.*· paused`));

    await page.getByRole('button', { name: 'Resume' }).click();
    const shownAtStop = await clickOnNextStep(page, pausedAt + 2, 'Stop');
    await expect.poll(() => progressLine(page).textContent(), { timeout: 500, interval: 50 }).toMatch(/· stopping…/);
    await lastRun(page).filter({ hasText: 'stopped' }).waitFor({ timeout: 60_000 });
    const stoppedAfter = Number(/stopped after (\d+) steps/.exec((await lastRun(page).textContent()) ?? '')?.[1]);
    expect(stoppedAfter - shownAtStop, consoleLines.join('\n')).toBeLessThanOrEqual(1);
  });

  it('lists a run that evaluates only at the end after a reload, with its time, and resumes it from its newest checkpoint', async () => {
    const { page, consoleLines } = browser;
    await open(page, encodeConfigHash(microConfig({ steps: 12, evalEvery: 0, checkpointEvery: 2 })));
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => shownStep(page), { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(5);
    await page.reload();
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });

    const resume = page.getByRole('button', { name: /^Resume from step \d+$/ });
    await resume.waitFor({ timeout: 30_000 });
    const fromStep = Number(/(\d+)$/.exec((await resume.textContent()) ?? '')?.[1]);
    expect(fromStep).toBeGreaterThanOrEqual(4);
    expect(fromStep % 2).toBe(0);
    // Listed in the runs table, interrupted, with the training time up to its checkpoint (steps of 1–2 s).
    const headers = await page.locator('table').first().locator('thead th').allTextContents();
    const row = page.locator('table').first().locator('tbody tr').first();
    const time =
      (
        await row
          .locator('td, th')
          .nth(headers.findIndex((h) => h.trim() === 'Time'))
          .textContent()
      )?.trim() ?? '';
    expect(time, headers.join(' | ')).toMatch(/^(\d+ min )?\d+ s$/);
    expect(time).not.toBe('0 s');
    await expect(row.textContent()).resolves.toMatch(new RegExp(`step ${fromStep}/12`));

    await resume.click();
    await lastRun(page).filter({ hasText: 'completed' }).waitFor({ timeout: 240_000 });
    await expect(lastRun(page).textContent()).resolves.toMatch(/completed after 12 steps/);
    // Its stored curve runs from the first step to the last, once each (read from the runs database: the plots
    // also hold the other test's run).
    const { steps, interruptions } = await page.evaluate(
      () =>
        new Promise<{ steps: number[]; interruptions: unknown }>((resolve, reject) => {
          const opening = indexedDB.open('margin-lab');
          opening.onerror = () => reject(opening.error);
          opening.onsuccess = () => {
            const request = opening.result.transaction('runs').objectStore('runs').getAll();
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
              const run = (request.result as { status: string; config: { steps: number }; history: { step: Float32Array }; interruptions?: unknown }[]).find(
                (r) => r.status === 'completed' && r.config.steps === 12,
              );
              opening.result.close();
              resolve({ steps: Array.from(run?.history.step ?? []), interruptions: run?.interruptions });
            };
          };
        }),
    );
    expect(steps, consoleLines.join('\n')).toEqual([...Array(12).keys()]);
    // The interruption is kept with the run: its loss curve marks where it went on.
    expect(interruptions).toEqual([{ atStep: expect.any(Number), resumedFrom: fromStep, reason: 'the page was reloaded or closed' }]);

    // At 768 px the runs table (in Compare) scrolls inside its panel; the page itself never scrolls
    // sideways.
    await showView(page, 'compare');
    await page.setViewportSize({ width: 768, height: 900 });
    const widths = () => page.evaluate(() => ({ page: document.documentElement.scrollWidth, table: document.querySelector('.runs-table')?.scrollWidth ?? 0 }));
    expect((await widths()).table).toBeGreaterThan(768);
    // Plotly redraws the figures at the new width on the window's resize event, a moment later.
    await expect.poll(async () => (await widths()).page, { timeout: 10_000 }).toBeLessThanOrEqual(768);
  });
});
