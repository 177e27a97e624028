/**
 * A full disk (issue 15), in the built app: every IndexedDB write of the page's runs store and of the lab worker's
 * checkpoint store fails as Chromium fails it when the site's quota is used up (a QuotaExceededError DOMException
 * from put). Outcome: the user is told in the training panel (checkpoint not stored) and in the top bar of every
 * view (runs not being saved), training goes on to the end, and after a reload nothing half-written is read back:
 * the runs list loads with nothing refused and no resume is offered from a checkpoint that was never stored.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { showView, withLabBrowser } from './browser.ts';
import { labUrl, microConfig } from './micro.ts';

/** Installed in a realm (page or worker): puts to `store` throw as a full disk makes them throw. */
function fillDisk(store: string): void {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === store) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return put.apply(this, args);
  };
}

/** The lab worker (named 'margin-lab' by src/ui/worker/labBridge.ts), not the align worker. */
async function labWorker(page: Page) {
  for (;;) {
    for (const worker of page.workers()) {
      if (((await worker.evaluate(() => self.name).catch(() => '')) as string).startsWith('margin-lab')) return worker;
    }
    await page.waitForTimeout(100);
  }
}

describe('storage full while a run trains', () => {
  const browser = withLabBrowser();

  it('says so where the user looks, trains to the end, and reads back nothing half-written', async () => {
    const { page, consoleLines } = browser;
    const config = microConfig({ steps: 8, checkpointEvery: 2 });
    await page.goto(labUrl(config));
    await page.locator('[role=status][aria-label=Backend][data-backend]:not([data-backend="none"])').waitFor({ timeout: 120_000 });
    await page.evaluate(fillDisk, 'runs');
    await (await labWorker(page)).evaluate(fillDisk, 'checkpoints');

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun.waitFor({ timeout: 240_000 });
    expect(await lastRun.textContent(), consoleLines.join('\n')).toMatch(/completed after 8 steps/);
    const checkpointWarning = page.locator('.training-panel [role=alert]');
    expect(await checkpointWarning.textContent()).toMatch(/^Step (2|4|6|8): checkpoint not stored: the browser's storage for this site is full \(QuotaExceededError\)/);
    const barAlert = page.locator('.top-bar .storage-problem');
    expect(await barAlert.textContent()).toBe("Runs are not being saved: The browser's storage is full, so the run could not be saved: delete old runs to make room.");
    // In sight in every view.
    await showView(page, 'data');
    expect(await barAlert.isVisible()).toBe(true);

    // A reload (the disk as it is now, the patches gone): nothing refused, nothing to resume.
    await page.reload();
    await page.locator('[role=status][aria-label=Backend][data-backend]:not([data-backend="none"])').waitFor({ timeout: 120_000 });
    await showView(page, 'compare');
    await page.locator('table.runs-table').waitFor({ timeout: 30_000 });
    expect(await page.getByText(/could not be read|refused/i).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Resume from step/ }).count()).toBe(0);
    expect(await page.locator('.top-bar .storage-problem').count()).toBe(0);
  }, 400_000);
});
