/**
 * `lab evaluate --model RUN_DIR` loads a torch run folder with the page's import checks
 * (src/core/runDir.ts, src/ml/torchWeights.ts modelFromRunWeights): weights of another step, config or
 * identity count are refused with the very sentence the page's import gives, and a consistent folder loads.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_DIR_FILES, runLogEndStep } from '../../../src/core/runDir.ts';
import { encodeSafetensors } from '../../../src/core/safetensors.ts';
import { parseTrainConfig, type TrainConfig } from '../../../src/core/trainConfig.ts';
import { loadModelFrom } from '../../../src/cli/labModelDir.ts';
import { createEmbeddingModel, modelSpecOf } from '../../../src/ml/models/embedding.ts';
import { namedWeights } from '../../../src/ml/namedWeights.ts';
import { modelFromRunWeights } from '../../../src/ml/torchWeights.ts';

const CONFIG = parseTrainConfig({ model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 }, steps: 6, seed: 3 });
const RUN = 'torch-3-abc';
const line = (event: object) => JSON.stringify({ runId: RUN, ...event });
const steps = (s: number[]) => line({ type: 'step', points: { step: s, loss: s.map(() => 1) } });
/** Stopped at 4 (--max-steps), resumed from the checkpoint at 4 to 6: the log ends at step 6. */
const LOG = [
  steps([0, 1, 2, 3]),
  line({ type: 'done', reason: 'stopped', step: 4, seconds: 1 }),
  steps([4, 5]),
  line({ type: 'done', reason: 'completed', step: 6, seconds: 1 }),
  '',
].join('\n');

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lab-model-dir-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** model.safetensors as train.py's save_weights writes it. */
async function weightsFile(meta: { config?: TrainConfig; step?: number; classes?: number } = {}): Promise<Uint8Array> {
  const model = createEmbeddingModel(modelSpecOf(CONFIG.model, 99));
  const named = await namedWeights(model);
  model.dispose();
  const classes = meta.classes ?? 3;
  named.set('head', { shape: [classes, CONFIG.model.embeddingDim], data: new Float32Array(classes * CONFIG.model.embeddingDim) });
  return encodeSafetensors(named, { format: 'margin-lab-torch', config: JSON.stringify(meta.config ?? CONFIG), numIdentities: String(classes), step: String(meta.step ?? 6) });
}

async function runDir(name: string, weights: Uint8Array, files: Partial<Record<keyof typeof RUN_DIR_FILES, string>> = {}): Promise<string> {
  const dir = await mkdtemp(join(root, `${name}-`));
  await writeFile(join(dir, RUN_DIR_FILES.config), files.config ?? JSON.stringify(CONFIG));
  await writeFile(join(dir, RUN_DIR_FILES.log), files.log ?? LOG);
  await writeFile(join(dir, RUN_DIR_FILES.identities), files.identities ?? '["a","b","c"]');
  await writeFile(join(dir, RUN_DIR_FILES.weights), weights);
  return dir;
}

/** The sentence the page's import (the worker's modelFromRunWeights) gives for these weights. */
function pageRefusal(weights: Uint8Array, expect: Parameters<typeof modelFromRunWeights>[1]): string {
  try {
    modelFromRunWeights(weights, expect).model.dispose();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the page would have imported these weights');
}

describe('lab evaluate --model RUN_DIR: the page import checks', () => {
  it('reads the step a log ends at as the page folds it (resumes, divergence)', () => {
    expect(runLogEndStep(LOG)).toBe(6);
    expect(runLogEndStep([steps([0, 1, 2]), line({ type: 'diverged', step: 2, lastGoodStep: 2, loss: null, message: 'x' })].join('\n'))).toBe(2);
    expect(runLogEndStep(steps([0, 1]))).toBe(2); // killed before `done`
    expect(() => runLogEndStep(`${steps([0])}\n{"cut`)).toThrow(/1 bad line \(line 2\)/);
    expect(() => runLogEndStep(`${LOG}${steps([6]).replace(RUN, 'torch-other')}`)).toThrow(/one folder holds one run/);
    expect(() => runLogEndStep('')).toThrow(/no training steps/);
  });

  it('loads a consistent RUN_DIR', async () => {
    const loaded = await loadModelFrom(await runDir('ok', await weightsFile()));
    expect(loaded.source).toBe('torch-run');
    expect(loaded.config).toEqual(CONFIG);
    loaded.model.dispose();
  });

  it('refuses weights of another step, config or identity count with the page import sentence', async () => {
    const cases: [string, Uint8Array, Parameters<typeof runDir>[2], Parameters<typeof modelFromRunWeights>[1], RegExp][] = [
      ['step', await weightsFile({ step: 4 }), {}, { config: CONFIG, step: 6, classes: 3 }, /step 4, but log.jsonl ends at step 6/],
      [
        'log',
        await weightsFile(),
        { log: [steps([0, 1, 2, 3]), line({ type: 'done', reason: 'stopped', step: 4, seconds: 1 })].join('\n') },
        { config: CONFIG, step: 4, classes: 3 },
        /step 6, but log.jsonl ends at step 4/,
      ],
      ['identities', await weightsFile(), { identities: '["a","b"]' }, { config: CONFIG, step: 6, classes: 2 }, /3 identities, identities.json lists 2/],
      ['config', await weightsFile(), { config: JSON.stringify({ ...CONFIG, seed: 4 }) }, { config: { ...CONFIG, seed: 4 }, step: 6, classes: 3 }, /another config/],
    ];
    for (const [name, weights, files, expected, pattern] of cases) {
      const dir = await runDir(name, weights, files);
      const refusal = pageRefusal(weights, expected);
      expect(refusal).toMatch(pattern);
      await expect(loadModelFrom(dir), name).rejects.toThrow(`--model ${dir}: ${refusal}`);
    }
  });

  it('refuses a RUN_DIR without its log, as the page does', async () => {
    const dir = await runDir('no-log', await weightsFile());
    await unlink(join(dir, RUN_DIR_FILES.log));
    await expect(loadModelFrom(dir)).rejects.toThrow(/there is no log.jsonl/);
  });
});
