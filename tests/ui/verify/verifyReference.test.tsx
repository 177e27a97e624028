/**
 * The built-in reference model in the page: Verify uses it before any training (face-api's threshold in degrees,
 * alignment its own, no nearest-identity search), and its baseline on a loaded test folder becomes a run that is
 * stored and ticked for the plots, saying what it left out.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REFERENCE_MODEL_ID, REFERENCE_RUN_LABEL, REFERENCE_THRESHOLD_DEG } from '../../../src/core/reference/faceApiReference.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/core/trainConfig.ts';
import type { FolderReport } from '../../../src/protocol/data.ts';
import type { ModelRunInfo, ModelsApi, VerifiedImage } from '../../../src/protocol/models.ts';
import type { ReferenceApi, ReferenceBaseline as Baseline, ReferenceModelInfo, ReferenceProgressCallback } from '../../../src/protocol/reference.ts';
import { referenceRun } from '../../../src/ui/verify/referenceRun.ts';
import { runRecordProblem } from '../../../src/ui/runs/runRecordCheck.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));
const { VerifyPanel } = await import('../../../src/ui/verify/VerifyPanel.tsx');
const { ReferenceBaseline } = await import('../../../src/ui/verify/ReferenceBaseline.tsx');

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const cos = (deg: number) => Math.cos((deg * Math.PI) / 180);
const sin = (deg: number) => Math.sin((deg * Math.PI) / 180);
const settle = () => act(async () => {});

const referenceInfo = (extra: Partial<ReferenceModelInfo> = {}): ReferenceModelInfo => ({
  id: REFERENCE_MODEL_ID,
  label: 'Reference: face-api (128-d)',
  dim: 128,
  inputSize: 150,
  thresholdDeg: REFERENCE_THRESHOLD_DEG,
  thresholdSource: 'face-api’s distance 0.6 at descriptor norm 1.46',
  detector: { detector: 'tiny', scoreThreshold: 0.5 },
  evaluation: null,
  thresholds: null,
  evaluatedOn: null,
  ...extra,
});

/** Lab models and the reference; images embed at the angle their file name starts with ('45.png'). */
function fakeApi() {
  const embed = (image: Blob, runId: string, size: number): VerifiedImage => {
    const deg = Number.parseFloat((image as File).name);
    return { embedding: Float32Array.from([cos(deg), sin(deg)]), pixels: new Uint8Array(size * size * 3), size, model: { runId, label: runId, step: 0 } };
  };
  const runInfo = { runId: 'r1', label: 'run one', step: 0, evaluation: null, thresholds: null, config: DEFAULT_TRAIN_CONFIG } as unknown as ModelRunInfo;
  const api = {
    describeModel: vi.fn(async () => runInfo),
    listModels: vi.fn(async () => []),
    verifyImage: vi.fn(async (_choice: unknown, image: Blob) => embed(image, 'r1', 4)),
    nearestIdentities: vi.fn(),
    describeReference: vi.fn(async () => referenceInfo()),
    verifyReference: vi.fn(async (image: Blob) => embed(image, REFERENCE_MODEL_ID, 150)),
    referenceBaseline: vi.fn(),
  } as unknown as ModelsApi & ReferenceApi;
  return api;
}

const drop = async (region: HTMLElement, name: string) => {
  fireEvent.drop(region, { dataTransfer: { files: [new File(['x'], name)] } });
  await settle();
  await settle();
};

describe('Verify with the reference model', () => {
  it('is the model before any training, judged at face-api’s threshold in degrees, aligning on its own', async () => {
    const api = fakeApi();
    render(<VerifyPanel api={api} />);
    await settle();
    const model = screen.getByLabelText('Model') as HTMLSelectElement;
    expect(model.value).toBe('reference');
    expect((screen.getByLabelText('Threshold') as HTMLSelectElement).value).toBe('reference');
    expect(screen.getByRole('option', { name: 'face-api threshold (23.7°)' })).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: 'Align faces' }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/face-api.s distance 0\.6 at descriptor norm 1\.46/)).toBeTruthy();

    const verdict = screen.getByRole('status', { name: 'Verdict' });
    await drop(screen.getByRole('region', { name: 'Image A' }), '0.png');
    await drop(screen.getByRole('region', { name: 'Image B' }), '20.png');
    expect(api.verifyReference).toHaveBeenCalledTimes(2);
    expect(api.verifyImage).not.toHaveBeenCalled();
    expect(verdict.dataset.verdict).toBe('same');
    expect(within(verdict).getByTestId('threshold-angle').textContent).toBe(REFERENCE_THRESHOLD_DEG.toFixed(2));
    await drop(screen.getByRole('region', { name: 'Image B' }), '30.png');
    expect(verdict.dataset.verdict).toBe('different');
    expect(verdict.textContent).toMatch(/^different people: angle 30\.00°.*against the face-api threshold 23\.72°/);
    // The nearest identities need a lab model's test-set embeddings.
    expect((within(screen.getByRole('region', { name: 'Face to search' })).getByRole('button') as HTMLButtonElement).disabled).toBe(true);

    // Choosing the current run re-embeds both images with it; the reference threshold is not offered there.
    fireEvent.change(model, { target: { value: 'current' } });
    await settle();
    await settle();
    expect(api.verifyImage).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('option', { name: /face-api threshold/ })).toBeNull();
  });

  it('uses the current run’s model once there is one', async () => {
    const api = fakeApi();
    render(<VerifyPanel api={api} currentRun={{ id: 'r1', label: 'run one', status: 'completed' }} />);
    await settle();
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe('current');
  });
});

/** A baseline as the worker returns it: 5 of 7 pairs scored, one image without a face. */
function baseline(): Baseline {
  const metrics = {
    pairs: 5,
    positives: 3,
    negatives: 2,
    auc: 0.875,
    eer: 0.25,
    eerThreshold: cos(20),
    tarAtFar: { '0.001': 0 },
    bestAccuracy: 0.8,
    bestThreshold: cos(21),
    tenFoldMean: 0.8,
    tenFoldStd: 0.1,
  };
  return {
    evaluation: {
      type: 'eval',
      runId: REFERENCE_MODEL_ID,
      step: 0,
      metrics,
      flipEval: false,
      seconds: 3,
      roc: { fpr: Float32Array.from([0, 0, 1]), tpr: Float32Array.from([0, 1, 1]), thresholds: Float32Array.from([Infinity, 0.9, 0.1]) },
      angles: { binDeg: 90, positives: Float32Array.from([3, 0]), negatives: Float32Array.from([0, 2]) },
    },
    testLabel: "test folder 'faces': 7 pairs",
    images: 7,
    noFace: [{ path: 'faces/Cleo/wall.png', reason: 'no face found (tiny detector, score ≥ 0.5)' }],
    pairs: 7,
    leftOut: { positives: 1, negatives: 1 },
    detector: { detector: 'tiny', scoreThreshold: 0.5 },
  };
}

describe('the reference baseline', () => {
  it('is a completed run at step 0 with the evaluation, that the runs store accepts', () => {
    const run = referenceRun(baseline(), '2026-12-01T08:00:00.000Z');
    expect(run).toMatchObject({
      id: `${REFERENCE_MODEL_ID}|test folder 'faces': 7 pairs`,
      label: REFERENCE_RUN_LABEL,
      status: 'completed',
      step: 0,
      backend: 'wasm',
      seconds: 3,
      dataLabel: "test folder 'faces': 7 pairs",
    });
    expect(run.evals).toEqual([{ step: 0, metrics: baseline().evaluation.metrics }]);
    expect(run.lastEval?.roc.tpr).toEqual(Float32Array.from([0, 1, 1]));
    expect(run.message).toBe(
      '1 of 7 test images had no face the reference could find (tiny detector, score ≥ 0.5): 2 of 7 pairs left out (1 same-person, 1 different-people), the ROC uses the other 5.',
    );
    expect(run.pretrained).toMatch(/^face-api's pretrained recognition network/);
    expect(runRecordProblem(run)).toBeUndefined();
  });

  it('starts when a test folder with pairs loads, shows progress, then stores the run and ticks it', async () => {
    const api = fakeApi();
    let finish!: (b: Baseline) => void;
    const progress: unknown[] = [];
    api.referenceBaseline = vi.fn(async (onProgress?: ReferenceProgressCallback) => {
      progress.push(await onProgress?.({ done: 3, total: 7, noFace: 1 }));
      return new Promise<Baseline>((resolve) => (finish = resolve));
    });
    const runs = { saveRun: vi.fn(), selected: new Set(['other']), setSelected: vi.fn() };
    const { rerender } = render(<ReferenceBaseline api={api} runs={runs} />);
    await settle();
    expect(api.referenceBaseline).not.toHaveBeenCalled();
    expect(screen.getByText('Load a test folder to compute it.')).toBeTruthy();

    const folder = { images: 7, pairs: { source: 'pairs.txt', count: 7, positives: 4, negatives: 3 } } as FolderReport;
    rerender(<ReferenceBaseline api={api} runs={runs} testFolder={folder} />);
    await settle();
    expect(api.referenceBaseline).toHaveBeenCalledTimes(1);
    expect(progress).toEqual([true]);
    expect(screen.getByRole('status', { name: 'Reference baseline status' }).textContent).toBe('Describing test images with the reference… 3 / 7 (1 without a face)');
    const bar = screen.getByRole('progressbar', { name: 'Reference baseline progress' }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([3, 7]);

    finish(baseline());
    await settle();
    expect(runs.saveRun).toHaveBeenCalledTimes(1);
    const run = runs.saveRun.mock.calls[0][0];
    expect(run.label).toBe(REFERENCE_RUN_LABEL);
    expect(runs.setSelected).toHaveBeenCalledWith(new Set([run.id, 'other']));
    expect(screen.getByRole('status', { name: 'Reference baseline status' }).textContent).toBe("AUC 0.8750, EER 25.0% on 5 pairs of the test folder 'faces': 7 pairs.");
    expect(within(screen.getByRole('list', { name: 'Images the reference left out' })).getByRole('listitem').textContent).toBe(
      'faces/Cleo/wall.png: no face found (tiny detector, score ≥ 0.5)',
    );
  });

  it('says why it failed, and drops the answer of a baseline that was cancelled', async () => {
    const api = fakeApi();
    const folder = { images: 12, pairs: { source: 'sampled', count: 10, positives: 5, negatives: 5 } } as FolderReport;
    api.referenceBaseline = vi.fn(async () => {
      throw new Error('"Align faces" could not start: the face detector\'s worker failed');
    });
    const runs = { saveRun: vi.fn(), selected: new Set<string>(), setSelected: vi.fn() };
    const { unmount } = render(<ReferenceBaseline api={api} runs={runs} testFolder={folder} />);
    await settle();
    expect(screen.getByRole('alert').textContent).toBe('The reference baseline failed: "Align faces" could not start: the face detector\'s worker failed');
    unmount();

    let finish!: (b: Baseline) => void;
    api.referenceBaseline = vi.fn(() => new Promise<Baseline>((resolve) => (finish = resolve)));
    render(<ReferenceBaseline api={api} runs={runs} testFolder={folder} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel baseline' }));
    finish(baseline());
    await settle();
    expect(screen.getByRole('status', { name: 'Reference baseline status' }).textContent).toBe('Baseline cancelled.');
    expect(runs.saveRun).not.toHaveBeenCalled();
  });

  it('waits for a click on a folder too large to describe unasked', async () => {
    const api = fakeApi();
    api.referenceBaseline = vi.fn(async () => baseline());
    const runs = { saveRun: vi.fn(), selected: new Set<string>(), setSelected: vi.fn() };
    const lfw = { images: 13_233, pairs: { source: 'pairs.txt', count: 6000, positives: 3000, negatives: 3000 } } as FolderReport;
    render(<ReferenceBaseline api={api} runs={runs} testFolder={lfw} />);
    await settle();
    expect(api.referenceBaseline).not.toHaveBeenCalled();
    expect(screen.getByText(/The test pairs use up to 12,000 images/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Compute the reference baseline' }));
    await settle();
    expect(api.referenceBaseline).toHaveBeenCalledTimes(1);
    expect(runs.saveRun).toHaveBeenCalledTimes(1);
  });
});
