/**
 * A test folder smaller than "Test pairs" asks for, in the built app with real
 * WebGPU (SwiftShader): a 12-image test folder (4 people × 3) picked with the panel's default of
 * 600 test pairs loads with the 24 balanced pairs it gives, says so, raises no error, and a micro
 * run trains and is evaluated on those 24 pairs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSynthDataset } from '../../src/core/synth/index.ts';
import { launchLabBrowser, showView, type LabBrowser } from './browser.ts';
import { labUrl } from './micro.ts';

/** Write synthetic faces as 32 px PNGs, one sub-folder per name. */
async function writeFaces(parent: string, root: string, names: readonly string[], perIdentity: number, seed: number): Promise<string> {
  const size = 32;
  const set = createSynthDataset({ seed, identities: names.length, imagesPerIdentity: perIdentity, size, familySize: 1 });
  const dir = join(parent, root);
  for (let i = 0; i < set.count; i++) {
    const folder = join(dir, names[set.itemIdentity(i)]);
    await mkdir(folder, { recursive: true });
    const png = await sharp(Buffer.from(set.render(i)), { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer();
    await writeFile(join(folder, `${i}.png`), png);
  }
  return dir;
}

/** Pair count of the newest stored run's last evaluation, read from the runs database the page keeps. */
function lastEvalPairs(): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('margin-lab');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction('runs').objectStore('runs').getAll();
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const runs = request.result as { startedAt: string; lastEval?: { metrics: { pairs: number } } }[];
        runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
        open.result.close();
        resolve(runs[0]?.lastEval?.metrics.pairs);
      };
    };
  });
}

describe('a 12-image test folder', () => {
  let browser: LabBrowser;
  let work: string;
  let trainDir: string;
  let testDir: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'margin-lab-small-test-'));
    trainDir = await writeFaces(work, 'faces', ['Ana', 'Ben', 'Chloé', 'Dev', 'Eun'], 6, 11);
    testDir = await writeFaces(work, 'small test', ['Ólafur', '李小龍', 'Émilie', 'Nuno'], 3, 12);
    browser = await launchLabBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('loads the 24 pairs it gives when 600 are asked for, and a run trains and evaluates on them', async () => {
    const { page, consoleLines } = browser;
    const log = () => consoleLines.join('\n');
    await page.goto(labUrl());
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    await showView(page, 'data');
    await expect(page.getByLabel('Test pairs (without pairs.txt)').inputValue()).resolves.toBe('600');

    const trainSection = page.getByRole('region', { name: 'Training folder', exact: true });
    await trainSection.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    await trainSection.getByLabel('Training folder', { exact: true }).setInputFiles(trainDir);
    await trainSection.and(page.locator('[data-phase="loaded"]')).waitFor({ timeout: 60_000 });
    const testSection = page.getByRole('region', { name: 'Test folder', exact: true });
    await testSection.getByLabel('Test folder', { exact: true }).setInputFiles(testDir);
    await testSection.and(page.locator('[data-phase="loaded"]')).waitFor({ timeout: 60_000 });

    await expect(testSection.locator('dt:text-is("Test pairs") + dd').textContent()).resolves.toBe(
      '24 (12 same, 12 different; sampled: the most balanced pairs 12 images give, fewer than the 600 asked for)',
    );
    await expect(testSection.getByRole('alert').count()).resolves.toBe(0);
    // 30 images, 10 % held out: 27 train the 5 identities; the test folder, not the validation split, is used.
    const label = "folder 'faces': 5 identities, 27 images; test folder 'small test': 24 pairs";
    await expect(page.getByRole('status', { name: 'Data in use' }).textContent()).resolves.toContain(`Training on: ${label}`);

    await showView(page, 'train');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun.filter({ hasText: / after \d+ steps/ }).waitFor({ timeout: 240_000 });
    await expect(lastRun.textContent(), log()).resolves.toContain(': completed after 6 steps');
    const row = page.locator('table tbody tr').first();
    await expect(row.locator('.run-data').textContent()).resolves.toContain(label);
    // The run is stored with its final evaluation once it completes: poll briefly for it.
    let pairs: number | undefined;
    for (let tries = 0; tries < 50 && pairs === undefined; tries++) {
      pairs = await page.evaluate(lastEvalPairs);
      if (pairs === undefined) await page.waitForTimeout(100);
    }
    expect(pairs, log()).toBe(24);
  });
});
