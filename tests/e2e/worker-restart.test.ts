/**
 * The worker dies mid-run, in the real app on WebGPU: a test hook (only on a page opened with
 * `?test-hooks`) terminates the training worker; the page starts a new one, says so, and the run resumes from its
 * last checkpoint and completes, its loss curve without a hole and with the steps trained twice marked.
 */
import { describe, expect, inject, it } from 'vitest';
import { encodeConfigHash } from '../../src/core/configCodec.ts';
import { withLabBrowser } from './browser.ts';
import { microConfig } from './micro.ts';

describe('a training worker that dies mid-run, in headless Chromium', () => {
  const browser = withLabBrowser();

  it('restarts the worker and resumes the run from its last checkpoint to the end', async () => {
    const { page, consoleLines } = browser;
    const config = microConfig({ steps: 12, checkpointEvery: 4 });
    await page.goto('about:blank');
    await page.goto(new URL(`?test-hooks${encodeConfigHash(config)}`, inject('baseUrl')).toString());
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    // Past the first checkpoint (step 4), then the worker is killed.
    await page.waitForFunction(() => Number(/^Step (\d+) \//.exec(document.querySelector('.progress p')?.textContent ?? '')?.[1]) >= 6, undefined, { timeout: 120_000 });
    const killedAt = await page.evaluate(() => {
      const step = Number(/^Step (\d+) \//.exec(document.querySelector('.progress p')?.textContent ?? '')?.[1]);
      // The page's hook (src/ui/worker/labBridge.ts LabTestHooks), installed because the page was opened with ?test-hooks.
      (window as unknown as { __marginLab: { terminateWorker(): void } }).__marginLab.terminateWorker();
      return step;
    });
    expect(killedAt).toBeGreaterThanOrEqual(6);

    const recovery = page.getByRole('status', { name: 'Worker recovery' });
    try {
      await recovery.filter({ hasText: 'a new worker resumed the run' }).waitFor({ timeout: 120_000 });
    } catch (err) {
      const shown = await page.evaluate(() => [...document.querySelectorAll('[role=status]')].map((e) => e.textContent).join('\n'));
      throw new Error(`${String(err)}\nstatus:\n${shown}\nconsole:\n${consoleLines.join('\n')}`, { cause: err });
    }
    // At most one checkpoint interval of steps is lost: it goes on from the checkpoint at step 4 or 8.
    expect(await recovery.textContent()).toMatch(/it was terminated at step \d+; a new worker resumed the run from its checkpoint at step (4|8)\./);
    await expect.poll(() => page.getByRole('status', { name: 'Backend' }).textContent(), { timeout: 10_000 }).toMatch(/a new worker was started on WebGPU/);

    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun.waitFor({ timeout: 180_000 });
    expect(await lastRun.textContent()).toMatch(/completed after 12 steps/);
    // The loss curve marks where the run went on, and how many steps were lost and trained again.
    const resumedNote = page.getByRole('figure', { name: 'Loss curve', exact: true }).locator('.annotation-text').filter({ hasText: '↻ resumed from step' });
    expect(await resumedNote.textContent()).toMatch(/^↻ resumed from step (4|8)( \(\d steps lost, trained again\))?$/);
    // The runs table holds the run completed, and no errors from the page besides the killed worker.
    const row = page.locator('table.runs-table tbody tr.run-row').first();
    expect(await row.getAttribute('class')).toMatch(/run-row-completed/);
    expect(consoleLines.filter((l) => /error/i.test(l) && !/terminated/.test(l))).toEqual([]);
  }, 400_000);
});
