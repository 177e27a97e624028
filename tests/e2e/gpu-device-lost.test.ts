/**
 * The WebGPU device is lost mid-run, in the real app: a test hook (only on a page opened with
 * `?test-hooks`) destroys the worker's GPU device as a driver reset would; the worker reports the loss, the page
 * starts a new worker (on WebGPU again, since the GPU is still there), says so, and the run resumes from its last
 * checkpoint and completes.
 */
import { describe, expect, inject, it } from 'vitest';
import { encodeConfigHash } from '../../src/core/configCodec.ts';
import { withLabBrowser } from './browser.ts';
import { microConfig } from './micro.ts';

describe('a WebGPU device lost mid-run, in headless Chromium', () => {
  const browser = withLabBrowser();

  it('restarts the worker on WebGPU and resumes the run from its last checkpoint to the end', async () => {
    const { page, consoleLines } = browser;
    const config = microConfig({ steps: 12, checkpointEvery: 4 });
    await page.goto('about:blank');
    await page.goto(new URL(`?test-hooks${encodeConfigHash(config)}`, inject('baseUrl')).toString());
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    // Past the first checkpoint (step 4), then the device is destroyed.
    await page.waitForFunction(() => Number(/^Step (\d+) \//.exec(document.querySelector('.progress p')?.textContent ?? '')?.[1]) >= 6, undefined, { timeout: 120_000 });
    const lostAt = await page.evaluate(async () => {
      const step = Number(/^Step (\d+) \//.exec(document.querySelector('.progress p')?.textContent ?? '')?.[1]);
      // The page's hook (src/ui/worker/labBridge.ts LabTestHooks), installed because the page was opened with ?test-hooks.
      const destroyed = await (window as unknown as { __marginLab: { loseGpuDevice(): Promise<boolean> } }).__marginLab.loseGpuDevice();
      return { step, destroyed };
    });
    expect(lostAt).toEqual({ step: expect.any(Number) as number, destroyed: true });
    expect(lostAt.step).toBeGreaterThanOrEqual(6);

    const recovery = page.getByRole('status', { name: 'Worker recovery' });
    try {
      await recovery.filter({ hasText: 'a new worker resumed the run' }).waitFor({ timeout: 120_000 });
    } catch (err) {
      const shown = await page.evaluate(() => [...document.querySelectorAll('[role=status]')].map((e) => e.textContent).join('\n'));
      throw new Error(`${String(err)}\nstatus:\n${shown}\nconsole:\n${consoleLines.join('\n')}`, { cause: err });
    }
    // At most one checkpoint interval of steps is lost: it goes on from the checkpoint at step 4 or 8.
    expect(await recovery.textContent()).toMatch(/^the GPU device was lost: .+ at step \d+; a new worker resumed the run from its checkpoint at step (4|8)\./);
    await expect
      .poll(() => page.getByRole('status', { name: 'Backend' }).textContent(), { timeout: 10_000 })
      .toMatch(/the GPU device was lost: .+; a new worker was started on WebGPU/);

    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun.waitFor({ timeout: 180_000 });
    expect(await lastRun.textContent()).toMatch(/completed after 12 steps/);
    const row = page.locator('table.runs-table tbody tr.run-row').first();
    expect(await row.getAttribute('class')).toMatch(/run-row-completed/);
    console.log(`device lost at step ${lostAt.step}: ${await recovery.textContent()}`);
    // WebGPU may log about the destroyed device; nothing else errs.
    expect(consoleLines.filter((l) => /error/i.test(l) && !/lost|destroy/i.test(l))).toEqual([]);
  }, 400_000);
});
