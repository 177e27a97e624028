/**
 * "Align faces" in the built app: pick a folder of the face-api demo photos (copied at test time
 * from node_modules/@vladmandic/face-api/demo, never committed) with alignment on, and see the
 * aligned crops next to the originals and the count of images without a face.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { launchLabBrowser, showView, type LabBrowser } from './browser.ts';
import { labUrl, microConfig } from './micro.ts';
import { dropFile } from './drop.ts';

const DEMO = join(dirname(new URL(import.meta.resolve('@vladmandic/face-api/package.json')).pathname), 'demo');

describe('aligning a picked folder in the browser', () => {
  let browser: LabBrowser;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'margin-lab-align-'));
    for (const [group, samples] of [
      ['groupA', [1, 2, 3]],
      ['groupB', [4, 5, 6]],
    ] as const) {
      await mkdir(join(work, 'photos', group), { recursive: true });
      for (const n of samples) await copyFile(join(DEMO, `sample${n}.jpg`), join(work, 'photos', group, `sample${n}.jpg`));
    }
    // A flat grey picture: an image without a face.
    await writeFile(
      join(work, 'photos/groupB/wall.png'),
      await sharp({ create: { width: 200, height: 150, channels: 3, background: '#808080' } })
        .png()
        .toBuffer(),
    );
    browser = await launchLabBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  // Detection runs in the align worker (face-api on a wasm tfjs of its own), nested in the lab
  // worker, which trains on WebGPU here: face-api's synchronous reads never touch WebGPU.
  it('shows aligned crops next to the originals and counts the image without a face', async () => {
    const { page, consoleLines } = browser;
    await page.goto(inject('baseUrl'));
    await showView(page, 'data');
    const section = page.getByRole('region', { name: 'Training folder', exact: true });
    await section.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    // Scoped to the data panel: the verify panel has an "Align faces" option of its own.
    const dataPanel = page.getByRole('region', { name: 'Data', exact: true });
    await dataPanel.getByLabel('Align faces').check();
    await expect(dataPanel.getByLabel('Detector').inputValue()).resolves.toBe('tiny');
    await section.getByLabel('Training folder', { exact: true }).setInputFiles(join(work, 'photos'));
    await section
      .and(page.locator('[data-phase="loaded"]'))
      .waitFor({ timeout: 240_000 })
      .catch((err) => {
        throw new Error(`${err}\nconsole:\n${consoleLines.join('\n')}`);
      });
    expect(await section.locator('dt:text-is("Images") + dd').textContent()).toBe('6');
    const seconds = Number((await section.locator('dt:text-is("Read in") + dd').textContent())?.replace(' s', ''));

    const noFace = section.locator('details[data-code="no-face"]');
    await noFace.locator('summary').click();
    await expect(noFace.locator('li').allTextContents()).resolves.toEqual(['photos/groupB/wall.png — no face found (tiny detector, score ≥ 0.5)']);

    const preview = page.getByRole('region', { name: 'Training folder: aligned faces' });
    const counts = preview.getByRole('status');
    await expect(counts.locator('[data-count="aligned"]').textContent()).resolves.toBe('6');
    await expect(counts.locator('[data-count="no-face"]').textContent()).resolves.toBe('1');
    await preview.locator('.align-grid li').first().waitFor({ timeout: 120_000 });
    const captions = await preview.locator('figcaption').allTextContents();
    expect(captions.map((c) => c.split(' · ').slice(0, 2).join(' · '))).toEqual([
      'sample1.jpg · 3 faces',
      'sample2.jpg · 1 face',
      'sample3.jpg · 3 faces',
      'sample4.jpg · 3 faces',
      'sample5.jpg · 5 faces',
      'sample6.jpg · 5 faces',
    ]);
    const crops = await preview
      .locator('img[alt$=", aligned"]')
      .evaluateAll((imgs) => Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]))));
    expect(crops).toEqual(new Array(6).fill([112, 112]));
    const originals = await preview
      .locator('img[alt$=", original"]')
      .evaluateAll((imgs) => Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => img.naturalWidth))));
    expect(originals).toEqual(new Array(6).fill(160));
    const backend = consoleLines.find((line) => /align worker/.test(line)) ?? '(align worker not logged)';
    // A figure for the report, not an assertion on speed.
    console.log(
      `align in browser: 7 files (6 photos 1920 px) read, detected and aligned in ${seconds} s (${(seconds / 6).toFixed(2)} s per photo, model loading included); ${backend}`,
    );
  });
  it('trains on aligned folders and aligns verify images like the test set', async () => {
    const { page, consoleLines } = browser;
    const log = () => consoleLines.join('\n');
    // A fresh document: from the first test's page, a URL differing only in its hash would not reload the app.
    await page.goto('about:blank');
    await page.goto(labUrl(microConfig({ batchSize: 8, evalPairs: 20 })));
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    await showView(page, 'data');
    const dataPanel = page.getByRole('region', { name: 'Data', exact: true });
    await dataPanel.getByLabel('Align faces').check();
    await page.getByLabel('Validation %').fill('0');
    await page.getByLabel('Test pairs (without pairs.txt)').fill('10');
    // The same six photos train and test: this checks the pipeline, not what the model learns.
    for (const name of ['Training folder', 'Test folder']) {
      const section = page.getByRole('region', { name, exact: true });
      await section.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
      await section.getByLabel(name, { exact: true }).setInputFiles(join(work, 'photos'));
      await section.and(page.locator('[data-phase="loaded"]')).waitFor({ timeout: 240_000 });
    }
    await showView(page, 'train');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun
      .filter({ hasText: / after \d+ steps/ })
      .waitFor({ timeout: 180_000 })
      .catch(async (err) => {
        const alerts = await page.getByRole('alert').allTextContents();
        throw new Error(`${err}\nlast run: ${await lastRun.textContent()}\nalerts: ${alerts.join(' | ')}\nconsole:\n${log()}`);
      });
    await expect(lastRun.textContent(), log()).resolves.toContain(': completed after 6 steps');

    await showView(page, 'verify');
    const panel = page.locator('section.verify-panel');
    const slotA = panel.getByRole('region', { name: 'Image A' });
    const slotB = panel.getByRole('region', { name: 'Image B' });
    const verdictBox = panel.getByRole('status', { name: 'Verdict' });
    const photo = (n: number) => readFile(join(DEMO, `sample${n}.jpg`));
    // The run info says the model saw aligned faces: an unaligned image is refused with the reason.
    await dropFile(page, slotA, 'sample2.jpg', await photo(2), 'image/jpeg');
    await expect(slotA.getByRole('alert').textContent({ timeout: 60_000 })).resolves.toMatch(/was trained on aligned faces: turn alignment on/);

    await panel.getByLabel('Align faces').check();
    await dropFile(page, slotA, 'sample2.jpg', await photo(2), 'image/jpeg');
    await dropFile(page, slotB, 'sample4.jpg', await photo(4), 'image/jpeg');
    await expect.poll(async () => verdictBox.getAttribute('data-verdict'), { timeout: 120_000 }).not.toBe('none');
    await expect(slotA.getByRole('img').getAttribute('data-size')).resolves.toBe('32');
    const cosine = Number(await verdictBox.getAttribute('data-cosine'));
    expect(Math.abs(cosine), log()).toBeLessThanOrEqual(1);

    // A picture without a face cannot be aligned: refused, and the verdict stays.
    await dropFile(page, slotB, 'wall.png', await readFile(join(work, 'photos/groupB/wall.png')), 'image/png');
    await expect(slotB.getByRole('alert').textContent({ timeout: 60_000 })).resolves.toMatch(/no face found in the image \(tiny detector, score ≥ 0\.5\)/);
    expect(Number(await verdictBox.getAttribute('data-cosine'))).toBe(cosine);
  });
});
