/**
 * The page's wiring of "Reproduce the report", against a fake worker: the button queues the seven presets one
 * after another, each domain preset loads its own populations, every run keeps its preset, and the checklist
 * fills from the runs that result.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SWEEP_PRESET_IDS } from '../../src/core/findings.ts';
import { findPreset } from '../../src/core/presets.ts';
import type { DataSpec, StepPoints, TrainConfig, TrainEventHandler } from '../../src/protocol/api.ts';
import { emptyHistory } from '../../src/ui/runs/applyEvent.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

/** What the fake worker was asked: the data of each run, in order. */
const loaded = vi.hoisted(() => [] as unknown[]);

vi.mock('../../src/ui/worker/labBridge.ts', () => {
  let runs = 0;
  /** A finished run: 10 steps of falling loss, one evaluation, done. */
  const train = async (_config: TrainConfig, onEvent: TrainEventHandler) => {
    const runId = `fake-${++runs}`;
    const steps = 10;
    const points = Object.fromEntries(Object.keys(emptyHistory()).map((k) => [k, new Float32Array(steps)])) as unknown as StepPoints;
    for (let i = 0; i < steps; i++) {
      points.step[i] = i;
      points.loss[i] = 5 - i / 4;
      points.accuracy[i] = 0.5;
    }
    onEvent({ type: 'step', runId, points });
    const metrics = { pairs: 4, positives: 2, negatives: 2, auc: 0.5 + runs / 100, eer: 0.3, eerThreshold: 0.5, tarAtFar: { '0.001': 0.1 }, bestAccuracy: 0.7, bestThreshold: 0.5, tenFoldMean: 0.7, tenFoldStd: 0.1 };
    onEvent({
      type: 'eval', runId, step: steps, metrics, flipEval: false, seconds: 0,
      roc: { fpr: new Float32Array([0, 1]), tpr: new Float32Array([0, 1]), thresholds: new Float32Array([Infinity, 0]) },
      angles: { binDeg: 90, positives: new Float32Array([1, 1]), negatives: new Float32Array([1, 1]) },
    });
    onEvent({ type: 'done', runId, reason: 'completed', step: steps, seconds: 1 });
    return { runId, reason: 'completed', step: steps };
  };
  const known: Record<string, unknown> = {
    init: async () => ({ backend: 'cpu', attempts: [], tfjsVersion: 'test' }),
    loadData: async (spec: DataSpec) => {
      loaded.push(spec);
      return { kind: spec.kind, trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 };
    },
    train,
  };
  // Every other call (checkpoints, saved models, the data sub-API) answers "nothing here".
  const nothing = (): unknown => new Proxy(() => Promise.resolve([]), { get: (_t, key) => (key === 'then' ? undefined : nothing()) });
  const api = new Proxy({}, { get: (_t, key) => (typeof key === 'string' && key in known ? known[key] : key === 'then' ? undefined : nothing()) });
  return { startLabWorker: () => ({ api, failed: new Promise(() => undefined), terminate: () => undefined }) };
});

const { App } = await import('../../src/ui/App.tsx');

afterEach(cleanup);

describe('App: Reproduce the report', () => {
  it('trains the five losses on the built-in faces, then the domain pair on their populations, and checks every finding', async () => {
    render(<App />);
    const panel = screen.getByRole('region', { name: 'Reproduce the report' });
    const button = within(panel).getByRole('button', { name: 'Reproduce the report' });
    await vi.waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    await act(async () => {
      fireEvent.click(button);
    });
    await vi.waitFor(() => expect(loaded).toHaveLength(7));
    const other = findPreset('domain-other')!.data!;
    const same = findPreset('domain-same')!.data!;
    expect(loaded).toEqual([...SWEEP_PRESET_IDS.report.map(() => ({ kind: 'builtin' })), { kind: 'builtin', ...same }, { kind: 'builtin', ...other }]);

    const table = within(panel).getByRole('table', { name: 'Findings' });
    await vi.waitFor(() => expect(within(table).queryByText('not run yet')).toBeNull());
    const sources = within(panel).getAllByRole('listitem').map((li) => li.textContent);
    expect(sources).toHaveLength(7);
    expect(sources.at(-1)).toMatch(/^Other domain: .*population B → A/);
  });
});
