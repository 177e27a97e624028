/** The teaching components: live controls, toy panel, angle columns and table, figures' empty state. */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import { applyTrainEvent } from '../../../src/ui/runs/applyEvent.ts';
import { sampleBalancedPairs } from '../../../src/core/pairs.ts';
import { presetConfig, QUICK_DEMO_PRESET } from '../../../src/core/presets.ts';
import { TOY_TEST_PAIRS, toyTestIdentities } from '../../../src/core/toy.ts';
import { makeRun } from '../fixtures.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => {}), purge: vi.fn(), downloadImage: vi.fn(), toImage: vi.fn() }));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));
const { LiveControls } = await import('../../../src/ui/teach/LiveControls.tsx');
const { ToyRunPanel } = await import('../../../src/ui/teach/ToyRunPanel.tsx');
const { AngleStatsPanel, HypersphereFigure, TargetLogitFigure } = await import('../../../src/ui/teach/TeachFigures.tsx');
const { RunsTable } = await import('../../../src/ui/runs/RunsTable.tsx');

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const STATS = { intraMeanDeg: 21.25, interMeanDeg: 80, interMinDeg: 40, positiveMeanDeg: 30, positiveMinDeg: 5, negativeMeanDeg: 85, negativeMinDeg: 50 };

function evaluated(run: RunRecord): RunRecord {
  return applyTrainEvent(run, { ...(run.lastEval as NonNullable<RunRecord['lastEval']>), type: 'eval', runId: run.id, step: 4, flipEval: false, seconds: 1, angleStats: STATS });
}

describe('LiveControls', () => {
  it('offers the sliders the loss reads and sends each move', async () => {
    const setLive = vi.fn(async () => {});
    const run = makeRun('r', { config: { loss: { kind: 'arcface', marginDeg: 30 } } });
    render(<LiveControls run={run} active setLive={setLive} />);
    const margin = screen.getByLabelText('Margin (°)') as HTMLInputElement;
    expect(margin.value).toBe('30');
    expect(screen.queryByLabelText('Intra penalty α')).toBeNull();
    fireEvent.change(margin, { target: { value: '60' } });
    expect(setLive).toHaveBeenCalledWith({ marginDeg: 60 });
    fireEvent.change(screen.getByLabelText('Learning rate'), { target: { value: '-2' } });
    expect(setLive).toHaveBeenLastCalledWith({ lr: 0.01 });
    expect(screen.getByText('60°')).toBeTruthy();
  });

  it('is disabled when no run trains, and shows the engine’s refusal', async () => {
    const run = makeRun('s');
    const { rerender } = render(<LiveControls run={run} active={false} setLive={vi.fn()} />);
    expect((screen.getByLabelText('Learning rate') as HTMLInputElement).disabled).toBe(true);
    const setLive = vi.fn(async () => Promise.reject(new Error('no run is training')));
    rerender(<LiveControls run={run} active setLive={setLive} />);
    await act(async () => void fireEvent.change(screen.getByLabelText('Learning rate'), { target: { value: '-2' } }));
    expect(screen.getByRole('alert').textContent).toBe('no run is training');
  });

  it('lists the changes made', () => {
    const run = applyTrainEvent(makeRun('r', { config: { loss: { kind: 'arcface', marginDeg: 30 } } }), {
      type: 'live',
      runId: 'r',
      step: 7,
      params: { marginDeg: 45 },
      loss: { kind: 'arcface', scale: 64, marginDeg: 45 },
      lr: 0.1,
    });
    render(<LiveControls run={run} active setLive={vi.fn()} />);
    expect(screen.getByRole('list', { name: 'Changes made while training' }).textContent).toBe('step 7: margin 45°');
    expect((screen.getByLabelText('Margin (°)') as HTMLInputElement).value).toBe('45');
  });
});

describe('ToyRunPanel', () => {
  it('sets toy configs and trains the current config on the toy data', () => {
    const onConfig = vi.fn();
    const onTrain = vi.fn();
    const config = makeRun('x', { config: { loss: { kind: 'arcface', marginDeg: 25 }, model: { embeddingDim: 2 } } }).config;
    render(<ToyRunPanel config={config} onConfig={onConfig} onTrain={onTrain} disabled={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Toy 3-D settings' }));
    expect(onConfig.mock.calls[0][0]).toMatchObject({ model: { backbone: 'tiny', embeddingDim: 3 }, loss: { kind: 'arcface', marginDeg: 25 } });
    fireEvent.click(screen.getByRole('button', { name: 'Train on toy data' }));
    expect(onTrain.mock.calls[0][0]).toMatchObject({ label: 'Toy 2-D · ArcFace m=25°', data: { kind: 'builtin', train: { identities: 8 } } });
  });

  it("trains from the config the page opens on: test pairs the toy data can give, not the Quick demo's 6,000", () => {
    const onTrain = vi.fn();
    const config = presetConfig(QUICK_DEMO_PRESET.id);
    render(<ToyRunPanel config={config} onConfig={() => {}} onTrain={onTrain} disabled={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Train on toy data' }));
    const request = onTrain.mock.calls[0][0] as { config: typeof config; label: string };
    expect(request.config).toEqual({ ...config, evalPairs: TOY_TEST_PAIRS });
    expect(request.label).toBe('Toy 512-d (PCA view) · ArcFace m=30°');
    // The pairs the engine samples for the run's test set exist (before the fix: "cannot sample 6000 balanced pairs
    // from 80 items of 8 identities").
    expect(sampleBalancedPairs(toyTestIdentities(), request.config.evalPairs, request.config.seed)).toHaveLength(TOY_TEST_PAIRS);
    expect(screen.getByText(/512-d embedding is drawn as a PCA projection/)).toBeTruthy();
  });
});

describe('angle statistics in the tables', () => {
  it('shows intra and inter in the runs table and flags runs changed mid-run', () => {
    let run = evaluated(makeRun('a', { auc: 0.9, label: 'Alpha' }));
    run = applyTrainEvent(run, { type: 'live', runId: 'a', step: 2, params: { lr: 0.01 }, loss: run.config.loss, lr: 0.01 });
    render(<RunsTable runs={[run]} selected={new Set()} onSelectedChange={() => {}} onDelete={() => {}} />);
    const headers = screen.getAllByRole('columnheader').map((th) => th.textContent);
    const cells = Array.from(screen.getAllByRole('row')[1].querySelectorAll('td'), (td) => td.textContent);
    expect(cells[headers.indexOf('Intra')]).toBe('21.3°');
    expect(cells[headers.indexOf('Inter')]).toBe('80.0°');
    expect(cells[headers.indexOf('Config')]).toMatch(/changed mid-run \(1×\)/);
  });

  it('lists every statistic per run in the angle table', () => {
    render(<AngleStatsPanel runs={[evaluated(makeRun('a', { auc: 0.9, label: 'Alpha' })), makeRun('b', { label: 'Bravo' })]} />);
    const rows = screen
      .getAllByRole('row')
      .slice(1)
      .map((r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent));
    expect(rows).toEqual([
      ['Alpha', '21.3°', '80.0°', '40.0°', '30.0°', '85.0°', '50.0°'],
      ['Bravo', '—', '—', '—', '—', '—', '—'],
    ]);
  });
});

describe('figures', () => {
  it('Hypersphere explains itself before the first evaluation; Target logit draws at once', async () => {
    render(
      <>
        <HypersphereFigure run={makeRun('a')} />
        <TargetLogitFigure loss={{ kind: 'arcface', scale: 64, marginDeg: 60 }} />
      </>,
    );
    expect(screen.getByRole('figure', { name: 'Hypersphere' }).textContent).toMatch(/No geometry yet/);
    await act(async () => {});
    expect(plotly.react).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('figure', { name: 'Target logit' }).textContent).toMatch(/only for θ below 30°/);
  });
});
