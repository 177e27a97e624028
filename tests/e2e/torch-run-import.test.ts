/**
 * Import back in the built app: a RUN_DIR of train.py zipped (log.jsonl in train.py's line shapes,
 * config.json, identities.json, model.safetensors with the lab's weight names and a head, and a checkpoint the lab
 * must skip) picked through "Import PyTorch run (.zip)" shows up in the Runs table with its AUC and in Saved models.
 * The zip is built here as train.py writes it (the shapes tests/ui/runDirImport.test.ts checks), no PyTorch needed.
 */
import * as tf from '@tensorflow/tfjs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../src/core/safetensors.ts';
import { STEP_COLUMNS } from '../../src/core/stepColumns.ts';
import { parseTrainConfig } from '../../src/core/trainConfig.ts';
import { createEmbeddingModel, modelSpecOf } from '../../src/ml/models/embedding.ts';
import { namedWeights } from '../../src/ml/namedWeights.ts';
import { showView, withLabBrowser } from './browser.ts';
import { labUrl } from './micro.ts';

const CONFIG = parseTrainConfig({ model: { backbone: 'tiny', inputSize: 32, width: 4, embeddingDim: 8 }, steps: 4, evalEvery: 2, evalPairs: 20, seed: 5 });
const RUN = 'torch-5-e2e';
/** The columns of train.py's step points (engine.py EventLog), as `lab train` prints them (tests/unit/core/stepColumns.test.ts keeps them equal). */
const COLUMNS = STEP_COLUMNS;

const line = (event: object) => JSON.stringify({ runId: RUN, ...event });
const steps = (s: number[]) => line({ type: 'step', points: Object.fromEntries(COLUMNS.map((c) => [c, s.map((x) => (c === 'step' ? x : c === 'loss' ? 10 - x : 0.5))])) });
const evaluation = (step: number, auc: number) =>
  line({
    type: 'eval',
    step,
    metrics: {
      pairs: 20,
      positives: 10,
      negatives: 10,
      auc,
      eer: 0.2,
      eerThreshold: 0.3,
      tarAtFar: { '0.1': 0.6, '0.001': 0.1 },
      bestAccuracy: 0.8,
      bestThreshold: 0.25,
      tenFoldMean: 0.78,
      tenFoldStd: 0.05,
    },
    // thresholds[0] is +Infinity, written as null (engine.py _plain).
    roc: { fpr: [0, 0.2, 1], tpr: [0, 0.8, 1], thresholds: [null, 0.3, -1] },
    angles: { binDeg: 60, positives: [6, 4, 0], negatives: [1, 5, 4] },
    flipEval: CONFIG.flipEval,
    seconds: 0.1,
    elapsed: step,
  });

/** The RUN_DIR zip of a 4-step run with 3 identities, its last evaluation at AUC 0.8125. */
async function runDirZip(): Promise<Buffer> {
  await tf.setBackend('cpu');
  const model = createEmbeddingModel(modelSpecOf(CONFIG.model, CONFIG.seed));
  const weights = await namedWeights(model);
  model.dispose();
  weights.set('head', { shape: [3, CONFIG.model.embeddingDim], data: new Float32Array(3 * CONFIG.model.embeddingDim).fill(0.1) });
  const log = [
    steps([0, 1]),
    evaluation(2, 0.7),
    steps([2, 3]),
    evaluation(4, 0.8125),
    line({ type: 'checkpoint', step: 4, bytes: 10, elapsed: 4 }),
    line({ type: 'done', reason: 'completed', step: 4, seconds: 4 }),
    '',
  ].join('\n');
  const files: Record<string, Uint8Array> = {
    'run/log.jsonl': strToU8(log),
    'run/config.json': strToU8(JSON.stringify(CONFIG, null, 2)),
    'run/identities.json': strToU8('["ana","ben","cem"]'),
    'run/model.safetensors': encodeSafetensors(weights, { format: 'margin-lab-torch', config: JSON.stringify(CONFIG), numIdentities: '3', step: '4', torch: '1.13.1' }),
    'run/checkpoints/step-00000004.pt': strToU8('a PyTorch pickle the lab never reads'),
  };
  return Buffer.from(zipSync(files));
}

describe('importing a PyTorch RUN_DIR zip in the built app', () => {
  const browser = withLabBrowser();

  it('lists the imported run with its AUC in the Runs table and its model under Saved models', async () => {
    const { page, consoleLines } = browser;
    const zip = await runDirZip();
    await page.goto(labUrl());
    await page.locator('[role=status][data-backend]').waitFor({ timeout: 120_000 });
    await showView(page, 'compare');
    const input = page.getByLabel('PyTorch run zip');
    await expect.poll(() => input.isEnabled(), { timeout: 120_000 }).toBe(true);
    await input.setInputFiles({ name: 'run.zip', mimeType: 'application/zip', buffer: zip });

    const message = page.getByRole('status', { name: 'Run import message' });
    try {
      await message.waitFor({ timeout: 60_000 });
    } catch (err) {
      const alerts = await page.getByRole('alert').allTextContents();
      throw new Error(`${String(err)}\nalerts: ${alerts.join('\n')}\nconsole:\n${consoleLines.join('\n')}`, { cause: err });
    }
    expect(await message.textContent()).toMatch(/^Imported 'PyTorch run · tiny · .*': 4 steps, AUC 0\.8125; listed under Runs and Saved models\.$/);

    const row = page.locator(`table.runs-table tbody tr.run-row[data-run-id="${RUN}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('class')).toMatch(/run-row-completed/);
    const headers = await page.locator('table.runs-table thead th').allTextContents();
    const aucColumn = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === 'AUC');
    expect(aucColumn).toBeGreaterThan(0);
    expect((await row.locator(':scope > *').nth(aucColumn).textContent())?.trim()).toBe('0.8125');

    await showView(page, 'verify');
    const models = page.locator('section.saved-models tbody tr');
    await expect.poll(() => models.count(), { timeout: 30_000 }).toBe(1);
    const cells = await models.first().locator(':scope > *').allTextContents();
    expect(cells.slice(0, 4)).toEqual([expect.stringMatching(/^PyTorch run · tiny/), 'imported', 'tiny · 32 px', '0.8125']);
    expect(consoleLines.filter((l) => /error/i.test(l))).toEqual([]);
  }, 300_000);
});
