/**
 * Two tabs of the lab open at once, in one browser profile: each trains a run; after a reload both runs are
 * listed in both tabs, each whole (completed, its own steps), under its own id and its own number, and the checkpoint
 * store holds each run's own checkpoint. Both tabs are opened before either trains, so neither page's start-up
 * listing already holds the other's run. And a run training in one tab is not offered for resuming in another.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { withLabBrowser } from './browser.ts';
import { labUrl, microConfig } from './micro.ts';

/** Trains the page's configured micro run to its end. */
async function trainToEnd(page: Page, steps: number): Promise<void> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const lastRun = page.getByRole('status', { name: 'Last run' });
  await lastRun.filter({ hasText: `completed after ${steps} steps` }).waitFor({ timeout: 180_000 });
}

/** The runs table's rows: id, shown label, status class. */
const rowsOf = (page: Page) =>
  page
    .locator('table.runs-table tbody tr.run-row')
    .evaluateAll((rows) =>
      rows.map((r) => ({ id: r.getAttribute('data-run-id'), label: r.querySelector('.run-label')?.textContent, completed: r.classList.contains('run-row-completed') })),
    );

/** What the page's IndexedDB holds: run records and checkpoints, by id, with their steps. */
const storedOf = (page: Page) =>
  page.evaluate(async () => {
    const read = (db: string, store: string) =>
      new Promise<{ id: string; step: number; number?: number }[]>((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(open.error ?? new Error(`cannot open ${db}`));
        open.onsuccess = () => {
          const request = open.result.transaction(store, 'readonly').objectStore(store).getAll();
          request.onerror = () => reject(request.error ?? new Error(`cannot read ${store}`));
          request.onsuccess = () => {
            open.result.close();
            resolve(
              (request.result as { id?: string; runId?: string; step: number; number?: number }[]).map((r) => ({ id: r.id ?? r.runId ?? '', step: r.step, number: r.number })),
            );
          };
        };
      });
    return { runs: await read('margin-lab', 'runs'), checkpoints: await read('margin-lab-checkpoints', 'checkpoints') };
  });

describe('two tabs of the lab at once, in headless Chromium', () => {
  const browser = withLabBrowser();

  it('lists the runs trained in either tab in both after a reload, each whole and under its own number', async () => {
    const { page: tabA, context } = browser;
    const tabB = await context.newPage();
    // The same config in both tabs, seed included: nothing but the lab itself tells the two runs apart.
    const steps = 4;
    const url = labUrl(microConfig({ steps, checkpointEvery: 2 }));
    for (const tab of [tabA, tabB]) {
      await tab.goto('about:blank');
      await tab.goto(url);
      await tab.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    }
    await trainToEnd(tabA, steps);
    await trainToEnd(tabB, steps);
    const [idA] = (await rowsOf(tabA)).map((r) => r.id);
    const [idB] = (await rowsOf(tabB)).map((r) => r.id);
    expect(idA).toBeTruthy();
    expect(idB).not.toBe(idA);

    for (const tab of [tabA, tabB]) await tab.reload();
    for (const tab of [tabA, tabB]) {
      await expect.poll(() => rowsOf(tab).then((rows) => rows.length), { timeout: 30_000 }).toBe(2);
      const rows = await rowsOf(tab);
      expect(new Set(rows.map((r) => r.id))).toEqual(new Set([idA, idB]));
      expect(rows.every((r) => r.completed)).toBe(true);
      // Two runs of the same config: only their numbers tell their labels apart.
      expect(new Set(rows.map((r) => r.label)).size).toBe(2);
    }
    const stored = await storedOf(tabB);
    expect(stored.runs.map((r) => r.id).sort()).toEqual([idA, idB].sort());
    expect(stored.runs.every((r) => r.step === steps)).toBe(true);
    expect(new Set(stored.runs.map((r) => r.number)).size).toBe(2);
    // Each run's checkpoint is its own, at its last step (no write of one tab landed on the other's record).
    expect(
      stored.checkpoints
        .filter((c) => c.id === idA || c.id === idB)
        .map((c) => [c.id, c.step])
        .sort(),
    ).toEqual(
      [
        [idA, steps],
        [idB, steps],
      ].sort(),
    );
    await tabB.close();
  }, 600_000);

  it('does not offer to resume in one tab a run another tab is training (its Web Lock), and offers it once that tab stops', async () => {
    const { page: tabA, context } = browser;
    const url = labUrl(microConfig({ steps: 400, checkpointEvery: 2 }));
    await tabA.goto('about:blank');
    await tabA.goto(url);
    await tabA.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    await tabA.getByRole('button', { name: 'Train', exact: true }).click();
    const shownStep = async () => Number(/^Step (\d+) \//.exec((await tabA.locator('.progress p').first().textContent()) ?? '')?.[1]);
    // A checkpoint is stored (every 2 steps) and the run record with it.
    await expect.poll(shownStep, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(3);

    // A second tab opens meanwhile: it lists the run as unfinished, and says where it trains instead of offering it.
    const tabB = await context.newPage();
    await tabB.goto(url);
    await tabB.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    await tabB.getByText(/is training in another tab of the lab/).waitFor({ timeout: 30_000 });
    await expect(tabB.getByRole('button', { name: /^Resume from step \d+$/ }).count()).resolves.toBe(0);

    // Stopped in the first tab, the run's lock is released: the second tab offers it (it looks again every 3 s).
    await tabA.getByRole('button', { name: 'Stop', exact: true }).click();
    await tabA.getByRole('status', { name: 'Last run' }).filter({ hasText: 'stopped' }).waitFor({ timeout: 60_000 });
    await tabB.getByRole('button', { name: /^Resume from step \d+$/ }).waitFor({ timeout: 30_000 });
    await expect(tabB.getByText(/is training in another tab of the lab/).count()).resolves.toBe(0);
    await tabB.close();
  }, 600_000);
});
