/**
 * Training on folders the user picks (issues 3 + 4), in the built app with real WebGPU
 * (SwiftShader) in the worker: a training folder and a test folder of built-in synthetic faces
 * written as PNGs with sharp (unicode identity names), picked through the folder inputs, then
 * "Train" with a micro config. The run completes with an AUC, and the runs table names the folder.
 * The folders are read at the panel's 112 px and the model takes 32 px: the worker decodes them
 * again at the model's size.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSynthDataset } from '../../src/core/synth/index.ts';
import { launchLabBrowser, showView, type LabBrowser } from './browser.ts';
import { labUrl } from './micro.ts';

const TRAIN_ROOT = 'faces 顔';
const TRAIN_NAMES = ['平木大作', 'José Núñez', 'Ana 😀 Lima', 'Zoë Smith', 'Ólafur'];
const TEST_ROOT = 'test 試験';
const TEST_NAMES = ['李小龍', 'Émilie', 'Nuno 🐟', 'Ingrid'];
/** Balanced pairs the test folder is sampled for: 4 identities × 5 images give at most 80 (40 same-identity pairs). */
const TEST_PAIRS = 40;

/** Write synthetic faces (learnable identities) as 64 px PNGs, one sub-folder per name. */
async function writeFaces(parent: string, root: string, names: readonly string[], perIdentity: number, seed: number): Promise<string> {
  const size = 64;
  const set = createSynthDataset({ seed, identities: names.length, imagesPerIdentity: perIdentity, size, familySize: 1 });
  const dir = join(parent, root);
  for (let i = 0; i < set.count; i++) {
    const folder = join(dir, names[set.itemIdentity(i)]);
    await mkdir(folder, { recursive: true });
    const png = await sharp(Buffer.from(set.render(i)), { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer();
    await writeFile(join(folder, `${String(i).padStart(3, '0')}.png`), png);
  }
  return dir;
}

describe('training on picked folders in the built app', () => {
  let browser: LabBrowser;
  let work: string;
  let trainDir: string;
  let testDir: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'margin-lab-folder-train-'));
    trainDir = await writeFaces(work, TRAIN_ROOT, TRAIN_NAMES, 6, 11);
    testDir = await writeFaces(work, TEST_ROOT, TEST_NAMES, 5, 12);
    browser = await launchLabBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('picks a training and a test folder, trains on them, and shows the AUC and the folder in the runs table', async () => {
    const { page, consoleLines } = browser;
    const log = () => consoleLines.join('\n');
    await page.goto(labUrl());
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    await showView(page, 'data');

    const dataInUse = page.getByRole('status', { name: 'Data in use' });
    await expect(dataInUse.textContent()).resolves.toBe('Training on: built-in synthetic faces');
    await page.getByLabel('Test pairs (without pairs.txt)').fill(String(TEST_PAIRS));

    const trainSection = page.getByRole('region', { name: 'Training folder', exact: true });
    await trainSection.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    await trainSection.getByLabel('Training folder', { exact: true }).setInputFiles(trainDir);
    await trainSection.and(page.locator('[data-phase="loaded"]')).waitFor({ timeout: 60_000 });
    const testSection = page.getByRole('region', { name: 'Test folder', exact: true });
    await testSection.getByLabel('Test folder', { exact: true }).setInputFiles(testDir);
    await testSection.and(page.locator('[data-phase="loaded"]')).waitFor({ timeout: 60_000 });
    await expect(testSection.locator('dt:text-is("Test pairs") + dd').textContent()).resolves.toBe('40 (20 same, 20 different; sampled)');

    // 30 images, 10 % held out for validation: 27 train the 5 identities.
    const label = `folder '${TRAIN_ROOT}': 5 identities, 27 images; test folder '${TEST_ROOT}': 40 pairs`;
    await expect(dataInUse.textContent()).resolves.toContain(`Training on: ${label}`);

    // The Train view says what it trains on too.
    await showView(page, 'train');
    await expect(page.locator('.data-line').textContent()).resolves.toContain(label);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun.filter({ hasText: / after \d+ steps/ }).waitFor({ timeout: 240_000 });
    await expect(lastRun.textContent(), log()).resolves.toContain(': completed after 6 steps');
    const row = page.locator('table tbody tr').first();
    await expect(row.locator('.run-data').textContent()).resolves.toContain(label);

    const headers = await page.locator('table thead th').allTextContents();
    const aucColumn = headers.findIndex((h) => h.trim().startsWith('AUC'));
    expect(aucColumn, headers.join(' | ')).toBeGreaterThanOrEqual(0);
    const auc = await row.locator('td, th').nth(aucColumn).textContent();
    expect(auc?.trim()).toMatch(/^(0|1)\.\d{4}$/);
  });
});
