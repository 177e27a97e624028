/**
 * A folder of 20,000 images (issue 15): picked through the folder input of the built app, read in the worker under
 * a small pixel budget. What a user relies on: progress moves while it reads, the page answers (the views switch
 * while it reads), the decoded pixels kept stay within the budget, every image is counted, and "Cancel loading"
 * stops a load part way and says how far it got. The images are tiny PNGs (8 px, 40 distinct ones) so writing and
 * decoding 20,000 of them fits a test; each is still decoded and resized to 112 px like any photo.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchLabBrowser, showView, type LabBrowser } from './browser.ts';
import { labUrl } from './micro.ts';

const IDENTITIES = 400;
const PER_IDENTITY = 50;
const IMAGES = IDENTITIES * PER_IDENTITY;
/** 8 MiB holds 222 images at 112 px (37,632 B each): far fewer than the folder. */
const BUDGET_MIB = 8;

async function writeFolder(parent: string): Promise<string> {
  const variants = await Promise.all(
    Array.from({ length: 40 }, (_, v) =>
      sharp(Buffer.alloc(8 * 8 * 3, v * 6), { raw: { width: 8, height: 8, channels: 3 } })
        .png()
        .toBuffer(),
    ),
  );
  const dir = join(parent, 'crowd');
  for (let id = 0; id < IDENTITIES; id++) {
    const folder = join(dir, `person ${String(id).padStart(3, '0')}`);
    await mkdir(folder, { recursive: true });
    await Promise.all(Array.from({ length: PER_IDENTITY }, (_, k) => writeFile(join(folder, `${k}.png`), variants[(id + k) % variants.length])));
  }
  return dir;
}

describe('a folder of 20,000 images', () => {
  let browser: LabBrowser;
  let work: string;
  let dir: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'margin-lab-large-folder-'));
    dir = await writeFolder(work);
    browser = await launchLabBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('reads it within the pixel budget with progress, stays responsive, and cancels part way', async () => {
    const { page, consoleLines } = browser;
    const log = () => consoleLines.join('\n');
    await page.goto(labUrl());
    await showView(page, 'data');
    await page.getByLabel('Pixel memory budget (MiB)').fill(String(BUDGET_MIB));
    const section = page.getByRole('region', { name: 'Training folder', exact: true });
    await section.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    await section.getByLabel('Training folder', { exact: true }).setInputFiles(dir);

    // Progress moves: two different counts while it reads.
    const bar = section.getByRole('progressbar', { name: 'Reading training folder' });
    const counts = new Set<string>();
    while (counts.size < 2) {
      const text = (await bar.getAttribute('aria-valuetext', { timeout: 60_000 })) ?? '';
      if (/^[1-9][\d,]* \/ 20,000/.test(text)) counts.add(text.split(',')[0]);
      await page.waitForTimeout(100);
    }
    // The page answers while the worker reads: the views switch and the load goes on.
    await showView(page, 'train');
    await showView(page, 'data');
    expect(await section.getAttribute('data-phase')).toBe('loading');

    await section.and(page.locator('[data-phase="loaded"]')).waitFor({ timeout: 400_000 });
    const value = async (name: string) => (await section.locator(`dt:text-is("${name}") + dd`).textContent())?.trim();
    expect(await value('Images'), log()).toBe('20,000');
    expect(await value('Identities')).toBe('400');
    expect(await value('Skipped')).toBe('0');
    const memory = (await value('Decoded pixels in memory')) ?? '';
    const [, used, budget] = /^([\d.]+) MiB of (\d+) MiB/.exec(memory) ?? [];
    expect(Number(budget), memory).toBe(BUDGET_MIB);
    expect(Number(used), memory).toBeGreaterThan(BUDGET_MIB / 2); // it did keep images: the budget was used
    expect(Number(used), memory).toBeLessThanOrEqual(BUDGET_MIB);
    expect(memory).toContain('the rest are decoded from the files each epoch');

    // Load it again and cancel once it is under way.
    await section.getByRole('button', { name: 'Load again with these settings' }).click();
    await bar.and(page.locator('[aria-valuetext^="1"], [aria-valuetext^="2"], [aria-valuetext^="3"], [aria-valuetext^="5"]')).first().waitFor({ timeout: 60_000 });
    await section.getByRole('button', { name: 'Cancel loading' }).click();
    const cancelled = section.getByRole('status').filter({ hasText: 'Loading cancelled' });
    await cancelled.waitFor({ timeout: 10_000 });
    const [, done] = /after ([\d,]+) of 20,000 files: no training folder is loaded/.exec((await cancelled.textContent()) ?? '') ?? [];
    expect(Number(done?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(Number(done?.replace(/,/g, ''))).toBeLessThan(IMAGES);
    // The lab falls back to its built-in data, and the folder can be read again.
    await showView(page, 'data');
    await expect(page.getByRole('status', { name: 'Data in use' }).textContent()).resolves.toBe('Training on: built-in synthetic faces');
    expect(await section.getByRole('button', { name: 'Load again with these settings' }).isEnabled()).toBe(true);
  }, 600_000);
});
