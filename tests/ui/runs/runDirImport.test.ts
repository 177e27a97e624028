/**
 * Import back: a RUN_DIR of train.py (log.jsonl in its exact line shapes, config.json, identities.json,
 * model.safetensors) read from a .zip or a picked folder becomes a run record folded like a live run's, and a
 * checked model request; bad logs are refused with their lines named, incomplete folders with one sentence.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../../src/core/safetensors.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { runLogEndStep } from '../../../src/core/runDir.ts';
import { STEP_COLUMN_NAMES } from '../../../src/ui/runs/applyEvent.ts';
import { readRunDirFiles, readRunDirZip, runDirImport } from '../../../src/ui/runs/readRunDir.ts';
import { parseRunLog } from '../../../src/ui/runs/runLog.ts';

const CONFIG = parseTrainConfig({ model: { backbone: 'tiny', inputSize: 32, embeddingDim: 4, width: 4 }, steps: 6, evalEvery: 3, seed: 5 });
const RUN = 'torch-5-abc';

/** One step event as train.py's EventLog writes it (plain arrays, every column). */
function stepLine(steps: number[]): string {
  const points = Object.fromEntries(STEP_COLUMN_NAMES.map((c) => [c, steps.map((s) => (c === 'step' ? s : c === 'loss' ? 10 - s : 0.5))]));
  return JSON.stringify({ type: 'step', runId: RUN, points });
}

function evalLine(step: number, auc: number): string {
  return JSON.stringify({
    type: 'eval',
    runId: RUN,
    step,
    metrics: {
      pairs: 4,
      positives: 2,
      negatives: 2,
      auc,
      eer: 0.25,
      eerThreshold: 0.3,
      tarAtFar: { '0.1': 0.5, '0.001': 0 },
      bestAccuracy: 0.75,
      bestThreshold: 0.2,
      tenFoldMean: 0.7,
      tenFoldStd: 0.1,
    },
    // thresholds[0] is +Infinity: null in JSON (engine.py _plain).
    roc: { fpr: [0, 0.5, 1], tpr: [0, 1, 1], thresholds: [null, 0.4, -1] },
    angles: { binDeg: 60, positives: [1, 1, 0], negatives: [0, 1, 1] },
    flipEval: true,
    seconds: 0.1,
    elapsed: step * 2,
    somethingForeign: { huge: 'ignored' },
  });
}

/** A log stopped at step 4 (--max-steps), then resumed to 6: the shape tests/unit/cli/torchExport.test.ts checks. */
const LOG = [
  stepLine([0, 1, 2]),
  evalLine(3, 0.6),
  stepLine([3]),
  JSON.stringify({ type: 'eval', ...JSON.parse(evalLine(4, 0.7)) }),
  JSON.stringify({ type: 'checkpoint', runId: RUN, step: 4, bytes: 100, elapsed: 8 }),
  JSON.stringify({ type: 'done', runId: RUN, reason: 'stopped', step: 4, seconds: 8 }),
  stepLine([4, 5]),
  evalLine(6, 0.8),
  JSON.stringify({ type: 'checkpoint', runId: RUN, step: 6, bytes: 100, elapsed: 3 }),
  JSON.stringify({ type: 'done', runId: RUN, reason: 'completed', step: 6, seconds: 3 }),
  '',
].join('\n');

const weights = () =>
  encodeSafetensors(new Map([['head', { shape: [3, 4], data: new Float32Array(12) }]]), {
    format: 'margin-lab-torch',
    config: JSON.stringify(CONFIG),
    numIdentities: '3',
    step: '6',
  });

function runZip(files: Record<string, string | Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])));
}

const FULL = {
  'run/log.jsonl': LOG,
  'run/config.json': JSON.stringify(CONFIG),
  'run/identities.json': '["a","b","c"]',
  'run/model.safetensors': weights(),
  'run/checkpoints/step-00000006.pt': 'pickle',
};

describe('RUN_DIR import', () => {
  it('parses the log: typed columns, +Infinity for the null ROC threshold, foreign fields dropped', () => {
    const log = parseRunLog(LOG);
    expect(log.runId).toBe(RUN);
    expect(log.events.map((e) => e.type)).toEqual(['step', 'eval', 'step', 'eval', 'checkpoint', 'done', 'step', 'eval', 'checkpoint', 'done']);
    const ev = log.events[1];
    if (ev.type !== 'eval') throw new Error('eval expected');
    expect(ev.roc.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
    expect(ev.angles.positives).toBeInstanceOf(Float32Array);
    expect(Object.keys(ev)).not.toContain('somethingForeign');
  });

  it('names bad lines and refuses mixed runs, logs without steps and oversized columns', () => {
    const bad = [stepLine([0]), '{"type":"step"', JSON.stringify({ type: 'eval', runId: RUN }), JSON.stringify({ type: 'live', runId: RUN })].join('\n');
    expect(() => parseRunLog(bad)).toThrow(/3 bad lines: line 2: not JSON.*; line 3: metrics is not an object; line 4: event type "live"/);
    expect(() => parseRunLog(`${stepLine([0])}\n${stepLine([1]).replace(RUN, 'other')}`)).toThrow(/line 2: runId 'other' differs/);
    expect(() => parseRunLog(JSON.stringify({ type: 'done', runId: RUN, reason: 'completed', step: 0, seconds: 1 }))).toThrow(/no training steps/);
    const huge = JSON.stringify({ type: 'step', runId: RUN, points: Object.fromEntries(STEP_COLUMN_NAMES.map((c) => [c, new Array(c === 'loss' ? 1_000_001 : 1).fill(0)])) });
    expect(() => parseRunLog(huge)).toThrow(/line 1: points.loss holds 1000001 values, more than the 1000000/);
    expect(() => parseRunLog(`${stepLine([0])}\n${' '.repeat(9 * 2 ** 20)}x`)).toThrow(/line 2: the line is longer than 8 MiB/);
  });

  it('a zipped RUN_DIR becomes a run folded like a live one, and the request for its checked model', () => {
    const { run, request } = runDirImport(readRunDirZip(runZip(FULL)), '2026-01-01T00:00:00.000Z');
    expect(run).toMatchObject({ id: RUN, status: 'completed', step: 6, classes: 3, seconds: 11, config: CONFIG, label: 'PyTorch run · tiny · Softmax' });
    expect(Array.from(run.history.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(run.history.loss)).toEqual([10, 9, 8, 7, 6, 5]);
    expect(run.evals.map((e) => [e.step, e.metrics.auc])).toEqual([
      [3, 0.6],
      [4, 0.7],
      [6, 0.8],
    ]);
    expect(run.lastEval?.roc.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
    expect(request).toMatchObject({ runId: RUN, step: 6, classes: 3, config: CONFIG, evaluation: { step: 6 } });
    expect(request.weights).toEqual(weights());
  });

  it('a picked folder reads the same; steps a resume trains again replace the logged ones', async () => {
    const again = LOG.replace(stepLine([4, 5]), `${stepLine([3])}\n${stepLine([4, 5])}`).replace(stepLine([3]), stepLine([3, 4]));
    const files = Object.entries({ ...FULL, 'run/log.jsonl': again }).map(([path, v]) => {
      // jsdom's File has no arrayBuffer(): the part of a picked File the reader uses.
      const bytes = typeof v === 'string' ? strToU8(v) : v;
      return { name: path.split('/').at(-1)!, webkitRelativePath: path, size: bytes.byteLength, arrayBuffer: async () => bytes.slice().buffer } as unknown as File;
    });
    const { run } = runDirImport(await readRunDirFiles(files), '2026-01-01T00:00:00.000Z');
    expect(Array.from(run.history.step)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("lab evaluate's log step (src/cli/labModelDir.ts) is the step the import folds, so both check weights alike", () => {
    const diverged = `${stepLine([0, 1, 2])}\n${JSON.stringify({ type: 'diverged', runId: RUN, step: 2, lastGoodStep: 2, loss: 1, message: 'x' })}`;
    const resumedAgain = LOG.replace(stepLine([4, 5]), `${stepLine([3])}\n${stepLine([4, 5])}`);
    for (const log of [LOG, diverged, resumedAgain, stepLine([0, 1]), LOG.split('\n').slice(0, 3).join('\n')]) {
      const { run } = runDirImport(readRunDirZip(runZip({ ...FULL, 'run/log.jsonl': log })), 'x');
      expect(runLogEndStep(log)).toBe(run.step);
    }
  });

  it('refuses an incomplete or inconsistent folder with one sentence', () => {
    const without = (name: string) => Object.fromEntries(Object.entries(FULL).filter(([k]) => k !== `run/${name}`));
    expect(() => readRunDirZip(runZip(without('model.safetensors')))).toThrow(/no model.safetensors: the run has not finished/);
    expect(() => readRunDirZip(runZip(without('log.jsonl')))).toThrow(/there is no log.jsonl/);
    expect(() => readRunDirZip(runZip(without('config.json')))).toThrow(/lacks config.json/);
    expect(() => readRunDirZip(strToU8('not a zip'))).toThrow(/not a readable .zip/);
    expect(() => runDirImport(readRunDirZip(runZip({ ...FULL, 'run/config.json': '{"model":{"backbone":"vgg"}}' })), 'x')).toThrow(/config.json is not a lab config/);
  });
});
