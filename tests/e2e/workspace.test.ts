/**
 * The workspace in the built app, WebGPU on SwiftShader in the worker, in a 1440×900 window: every view
 * reached by its URL and by the top bar with the status in sight, no serious or critical axe-core finding in any
 * view (light, dark and presentation mode), a run started in Train live in Compare's runs table, Space to pause
 * and resume, and "Train on toy data" from the page as it opens.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { encodeConfigHash } from '../../src/core/configCodec.ts';
import { seriousAxeViolations, showView, withLabBrowser, type LabView } from './browser.ts';
import { microConfig } from './micro.ts';

const VIEWS: readonly LabView[] = ['train', 'compare', 'teach', 'verify', 'data'];
const tabName = (view: LabView) => view[0].toUpperCase() + view.slice(1);

describe('the workspace in headless Chromium', () => {
  const browser = withLabBrowser();

  const open = async (page: Page, hash = '') => {
    // From a blank page: a goto that changes only the hash would not reload the app.
    await page.goto('about:blank');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(new URL(hash || '/', inject('baseUrl')).toString());
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
  };
  const progress = (page: Page) => page.getByRole('status', { name: 'Run progress' });
  const progressText = async (page: Page) => (await progress(page).textContent()) ?? '';
  /** The status in the top bar: the backend and the run's progress, both on screen. */
  const expectStatusShown = async (page: Page) => {
    expect(await page.getByRole('status', { name: 'Backend' }).isVisible()).toBe(true);
    expect(await progress(page).isVisible()).toBe(true);
    expect(await page.getByRole('status', { name: 'Backend' }).textContent()).toMatch(/^Backend: WebGPU/);
  };
  const shownView = (page: Page) => page.locator('[role=tabpanel]:not([hidden])').evaluateAll((panels) => panels.map((p) => p.id));

  it('reaches every view by its URL and by the top bar, with the status in sight and no serious axe finding', async () => {
    const { page, consoleLines } = browser;
    for (const view of VIEWS) {
      await open(page, `#view=${view}`);
      expect(await shownView(page), consoleLines.join('\n')).toEqual([`view-${view}`]);
      expect(await page.getByRole('tab', { name: tabName(view), exact: true }).getAttribute('aria-selected')).toBe('true');
      await expectStatusShown(page);
    }
    await open(page);
    expect(await shownView(page)).toEqual(['view-train']);
    for (const view of [...VIEWS.slice(1), 'train' as const]) {
      await showView(page, view);
      expect(await shownView(page)).toEqual([`view-${view}`]);
      expect(await page.evaluate(() => window.location.hash)).toMatch(view === 'train' ? /^#v=1&(?!.*view=)/ : new RegExp(`&view=${view}(&|$)`));
      await expectStatusShown(page);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        expect(await seriousAxeViolations(page), `${view}, ${colorScheme}`).toEqual([]);
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    // Back returns to the view before.
    await page.goBack();
    await expect.poll(() => shownView(page)).toEqual(['view-data']);

    // Presentation mode: in the link, larger type on the whole page, and as accessible.
    await page.getByRole('button', { name: 'Presentation' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/&present=1$/);
    for (const view of ['teach', 'train'] as const) {
      await showView(page, view);
      expect(await seriousAxeViolations(page), `${view}, presentation`).toEqual([]);
    }
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('20px');
    // The figures fill the view's height (the loss curve beside the histogram over the ROC curve), not their page heights.
    const heightOf = (testId: string) => page.locator(`[data-testid="${testId}"]`).evaluate((el) => el.getBoundingClientRect().height);
    expect(await heightOf('plot-loss-curve')).toBeGreaterThan(550);
    expect(await heightOf('plot-roc-curve')).toBeGreaterThan(230);
  });

  it('shows a run started in Train live in Compare, and pauses and resumes it with Space', async () => {
    const { page, consoleLines } = browser;
    await open(page, encodeConfigHash(microConfig({ steps: 60 })));
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => progressText(page), { timeout: 240_000, interval: 500 }).toMatch(/^Training.*step [1-9]\d*\/60/);

    await showView(page, 'compare');
    await expectStatusShown(page);
    const row = page.locator('table.runs-table tbody tr.run-row').first();
    const rowStep = async () => Number(/step (\d+)\/60/.exec((await row.textContent()) ?? '')?.[1] ?? -1);
    await expect.poll(rowStep, { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);
    const seen = await rowStep();
    await expect.poll(rowStep, { timeout: 60_000, interval: 250 }).toBeGreaterThan(seen);
    expect(await progressText(page), consoleLines.join('\n')).toMatch(/^Training/);

    // Space on a focused tab works the tab: the page's Space acts once the focus has left it.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await expect.poll(() => progressText(page), { timeout: 60_000, interval: 250 }).toMatch(/^Paused/);
    await expect.poll(async () => (await row.textContent()) ?? '').toMatch(/paused/i);
    await page.keyboard.press('Space');
    await expect.poll(() => progressText(page), { timeout: 60_000, interval: 250 }).toMatch(/^Training/);

    await showView(page, 'train');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('status', { name: 'Last run' }).filter({ hasText: 'stopped' }).waitFor({ timeout: 120_000 });
  });

  it('trains "Train on toy data" from the page as it opens', async () => {
    const { page, consoleLines } = browser;
    await open(page);
    await showView(page, 'teach');
    await page.getByRole('button', { name: 'Train on toy data' }).click();
    // The Quick demo's settings on the toy faces: its first steps train (before the fix the run failed at once).
    await expect.poll(() => progressText(page), { timeout: 240_000, interval: 500 }).toMatch(/^Training.*Toy 512-d \(PCA view\).*step [1-9]\d*\/1000/);
    expect(await page.getByRole('alert').allTextContents(), consoleLines.join('\n')).toEqual([]);
    await showView(page, 'train');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun.filter({ hasText: 'stopped' }).waitFor({ timeout: 120_000 });
    expect(await lastRun.textContent()).toMatch(/^Toy 512-d \(PCA view\) · ArcFace m=30°: stopped after \d+ steps$/);
  });
});
