import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/core/trainConfig.ts';
import type { ModelChoice, ModelRunInfo, ModelsApi, NearestProgressCallback, SavedModelSummary, VerifiedImage } from '../../../src/protocol/models.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));
const { VerifyPanel } = await import('../../../src/ui/verify/VerifyPanel.tsx');
const { SavedModels } = await import('../../../src/ui/models/SavedModels.tsx');

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const cos = (deg: number) => Math.cos((deg * Math.PI) / 180);
const sin = (deg: number) => Math.sin((deg * Math.PI) / 180);

function info(label = 'run one'): ModelRunInfo {
  return {
    format: 'margin-lab-model',
    version: 1,
    runId: 'r1',
    label,
    savedAt: '2026-01-01T00:00:00.000Z',
    step: 10,
    config: DEFAULT_TRAIN_CONFIG,
    preprocessing: { backbone: 'tiny', normalization: 'symmetric', inputSize: 4, centreCrop: true, background: 'black', aligned: false, flipEval: true },
    identities: 3,
    dataLabel: 'built-in',
    evaluation: {
      step: 10,
      metrics: {
        pairs: 4,
        positives: 2,
        negatives: 2,
        auc: 0.9,
        eer: 0.1,
        eerThreshold: cos(50),
        tarAtFar: {},
        bestAccuracy: 0.9,
        bestThreshold: cos(40),
        tenFoldMean: 0.9,
        tenFoldStd: 0,
      },
      angles: { binDeg: 90, positives: [2, 0], negatives: [0, 2] },
      flipEval: true,
    },
    thresholds: { eer: cos(50), bestAccuracy: cos(40), tarAtFar: cos(20), far: 1e-3 },
  };
}

/** A models API whose images embed at the angle (degrees) their file name starts with ('45.png'); other names are refused. */
function fakeApi(models: SavedModelSummary[] = []) {
  const verifyImage = vi.fn(async (_choice: ModelChoice, image: Blob): Promise<VerifiedImage> => {
    const deg = Number.parseFloat((image as File).name);
    if (!Number.isFinite(deg)) throw new Error('not an image: the file is no JPEG, PNG, GIF, WebP, BMP or AVIF');
    return { embedding: Float32Array.from([cos(deg), sin(deg)]), pixels: new Uint8Array(4 * 4 * 3), size: 4, model: { runId: 'r1', label: 'run one', step: 10 } };
  });
  const api: ModelsApi = {
    describeModel: vi.fn(async () => info()),
    saveModel: vi.fn(async (label?: string) => ({
      id: 'm1',
      label: label ?? 'x',
      source: 'run' as const,
      savedAt: '2026-01-02T00:00:00.000Z',
      runId: 'r1',
      backbone: 'tiny' as const,
      inputSize: 32,
      auc: 0.9,
      step: 10,
      bytes: 100,
    })),
    listModels: vi.fn(async () => models),
    deleteModel: vi.fn(async () => undefined),
    exportModel: vi.fn(async () => new Uint8Array([1, 2, 3])),
    importModel: vi.fn(async () => {
      throw new Error('not a Margin Lab model: the zip has no run.json');
    }),
    importTorchRun: vi.fn(async () => {
      throw new Error('not used here');
    }),
    initialWeights: vi.fn(async () => new Uint8Array(0)),
    verifyImage,
    nearestIdentities: vi.fn(async (choice: ModelChoice, image: Blob) => ({
      image: await verifyImage(choice, image),
      identities: 3,
      testSet: 'built-in synthetic test faces',
      matches: [
        { name: 'synth-test-1', cosine: cos(10), angleDeg: 10, images: 10 },
        { name: 'synth-test-2', cosine: cos(70), angleDeg: 70, images: 10 },
      ],
    })),
  };
  return api;
}

const settle = () => act(async () => {});
const drop = async (region: HTMLElement, text: string, name = `${text}.png`) => {
  fireEvent.drop(region, { dataTransfer: { files: [new File([text], name)] } });
  await settle();
  await settle();
};

describe('VerifyPanel', () => {
  it('shows angle, cosine and verdict of a dropped pair against the chosen threshold, and keeps it on bad input', async () => {
    const api = fakeApi();
    render(<VerifyPanel api={api} currentRun={{ id: 'r1', label: 'run one', status: 'completed' }} />);
    await settle();
    const verdict = screen.getByRole('status', { name: 'Verdict' });
    await drop(screen.getByRole('region', { name: 'Image A' }), '0');
    await drop(screen.getByRole('region', { name: 'Image B' }), '45');
    expect(verdict.dataset.verdict).toBe('same'); // 45° < EER threshold 50°
    expect(within(verdict).getByTestId('pair-angle').textContent).toBe('45.00');
    expect(within(verdict).getByTestId('pair-cosine').textContent).toBe(cos(45).toFixed(4));
    expect(within(verdict).getByTestId('threshold-angle').textContent).toBe('50.00');

    const threshold = screen.getByLabelText('Threshold') as HTMLSelectElement;
    fireEvent.change(threshold, { target: { value: 'bestAccuracy' } });
    expect(verdict.dataset.verdict).toBe('different'); // 45° > 40°
    expect(verdict.textContent).toMatch(/^different people/);
    fireEvent.change(threshold, { target: { value: 'manual' } });
    fireEvent.change(screen.getByLabelText(/Manual threshold angle/), { target: { value: '46' } });
    expect(verdict.dataset.verdict).toBe('same');
    expect(within(verdict).getByTestId('threshold-angle').textContent).toBe('46.00');

    // The pair is marked on the histogram.
    const [, data, layout] = plotly.react.mock.calls.at(-1) as unknown as [unknown, unknown[], { shapes: { x0: number }[] }];
    expect(data).toHaveLength(2);
    expect(layout.shapes.map((s) => s.x0)).toEqual([46, expect.closeTo(45, 4)]);

    // A refused file leaves the pair as it was and says why.
    await drop(screen.getByRole('region', { name: 'Image B' }), 'hello', 'notes.txt');
    expect(within(screen.getByRole('region', { name: 'Image B' })).getByRole('alert').textContent).toMatch(/not an image/);
    expect(within(verdict).getByTestId('pair-angle').textContent).toBe('45.00');
  });

  it('keeps the newest drop on a slot when an older one answers later', async () => {
    const api = fakeApi();
    const fast = api.verifyImage;
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    api.verifyImage = vi.fn(async (choice: ModelChoice, image: Blob) => {
      if ((image as File).name === '80.png') await slow; // the first drop embeds slowly
      return fast(choice, image);
    });
    render(<VerifyPanel api={api} currentRun={{ id: 'r1', label: 'run one', status: 'completed' }} />);
    await settle();
    const verdict = screen.getByRole('status', { name: 'Verdict' });
    await drop(screen.getByRole('region', { name: 'Image A' }), '0');
    await drop(screen.getByRole('region', { name: 'Image B' }), '80');
    await drop(screen.getByRole('region', { name: 'Image B' }), '30');
    releaseSlow();
    await settle();
    await settle();
    expect(within(verdict).getByTestId('pair-angle').textContent).toBe('30.00');
  });

  it('lists the five nearest identities of a searched face', async () => {
    render(<VerifyPanel api={fakeApi()} />);
    await settle();
    await drop(screen.getByRole('region', { name: 'Face to search' }), '5');
    const items = within(screen.getByRole('list', { name: 'Nearest identities' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items[0]).toMatch(/^synth-test-1: 10\.0°/);
    expect(items[1]).toMatch(/^synth-test-2: 70\.0°/);
  });

  it('shows the first search’s progress and cancels it at the next batch', async () => {
    const api = fakeApi();
    let nextBatch!: () => void;
    const answers: unknown[] = [];
    api.nearestIdentities = vi.fn(async (_choice: ModelChoice, _image: Blob, _k?: number, _options?: unknown, onProgress?: NearestProgressCallback) => {
      answers.push(await onProgress?.({ done: 0, total: 480 }));
      answers.push(await onProgress?.({ done: 120, total: 480 }));
      await new Promise<void>((resolve) => (nextBatch = resolve));
      answers.push(await onProgress?.({ done: 240, total: 480 }));
      throw new Error('search cancelled');
    });
    render(<VerifyPanel api={api} />);
    await settle();
    await drop(screen.getByRole('region', { name: 'Face to search' }), '5');
    expect(screen.getByText('Embedding test images… 120 / 480')).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Search progress' }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([120, 480]);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel search' }));
    expect(screen.queryByRole('progressbar', { name: 'Search progress' })).toBeNull();
    expect(screen.getByText('Search cancelled.')).toBeTruthy();
    nextBatch();
    await settle();
    // The worker was told to stop at its next batch, and its rejection is no error to show.
    expect(answers).toEqual([true, true, false]);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('list', { name: 'Nearest identities' })).toBeNull();
  });

  it('says there is no model yet instead of verifying', async () => {
    const api = fakeApi();
    api.describeModel = vi.fn(async () => {
      throw new Error('no model yet: train a run, or choose a saved or imported model');
    });
    render(<VerifyPanel api={api} />);
    await settle();
    expect(screen.getAllByRole('alert')[0].textContent).toMatch(/no model yet/);
  });
});

describe('SavedModels', () => {
  const saved: SavedModelSummary = {
    id: 'm1',
    label: 'arcface run',
    source: 'run',
    savedAt: '2026-01-02T10:00:00.000Z',
    runId: 'r1',
    backbone: 'tiny',
    inputSize: 32,
    auc: 0.91234,
    step: 300,
    bytes: 1000,
  };

  it('lists models with AUC, saves the current one, deletes, and shows why an import was refused', async () => {
    const api = fakeApi([saved]);
    render(<SavedModels api={api} currentRun={{ id: 'r1', label: 'arcface run' }} canSave />);
    await settle();
    const row = screen.getByRole('row', { name: /arcface run/ });
    expect(within(row).getByText('0.9123')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save current model (arcface run)' }));
    await settle();
    expect(api.saveModel).toHaveBeenCalledWith('arcface run');
    expect(api.listModels).toHaveBeenCalledTimes(2);
    fireEvent.click(screen.getByRole('button', { name: 'Delete arcface run' }));
    await settle();
    expect(api.deleteModel).toHaveBeenCalledWith('m1');
    fireEvent.change(screen.getByLabelText(/Import model/), { target: { files: [new File(['x'], 'bad.zip')] } });
    await settle();
    expect(screen.getByRole('alert').textContent).toMatch(/not a Margin Lab model: the zip has no run\.json/);
  });
});
