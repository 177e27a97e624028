/**
 * The page's wiring of "Reproduce the report", against a fake worker: the button queues the seven presets one
 * after another, each domain preset loads its own populations, every run keeps its preset, and the checklist
 * fills from the runs that result.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SWEEP_PRESET_IDS } from '../../src/core/findings.ts';
import { findPreset } from '../../src/core/presets.ts';
import type { DataSpec, TrainConfig, TrainEventHandler } from '../../src/protocol/api.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

/** What the fake worker was asked: the data of each run, and the seed it trained with, in order. */
const loaded = vi.hoisted(() => [] as unknown[]);
const seeds = vi.hoisted(() => [] as number[]);

vi.mock('../../src/ui/worker/labBridge.ts', async () => {
  const { fakeLabBridge, finishRun } = await import('./fakeLabWorker.ts');
  let runs = 0;
  return fakeLabBridge({
    loadData: async (spec: DataSpec) => {
      loaded.push(spec);
      return { kind: spec.kind, trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 };
    },
    // A finished run whose AUC rises with each run, so the verdicts differ.
    train: async (config: TrainConfig, onEvent: TrainEventHandler) => {
      seeds.push(config.seed);
      return finishRun(`fake-${++runs}`, onEvent, { auc: 0.5 + runs / 100, accuracy: 0.5 });
    },
  });
});

const { App } = await import('../../src/ui/App.tsx');
const { openOn } = await import('./views.ts');

afterEach(cleanup);

describe('App: Reproduce the report', () => {
  it('trains the five losses on the built-in faces, then the domain pair on their populations, and checks every finding', async () => {
    openOn('compare');
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
    const sources = within(panel)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(sources).toHaveLength(7);
    expect(sources.at(-1)).toMatch(/^Other domain: .*population B → A/);
  });

  it('with Seeds 2 trains seed 2 after the kept seed-1 runs, and shows how often each finding held over both', async () => {
    openOn('compare');
    render(<App />);
    const panel = screen.getByRole('region', { name: 'Reproduce the report' });
    const button = within(panel).getByRole('button', { name: 'Reproduce the report' });
    await vi.waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    // Runs kept from the test before (seed 1) are not trained again; whatever is left of seeds 1 and 2 is.
    fireEvent.change(within(panel).getByRole('spinbutton', { name: 'Seeds' }), { target: { value: '2' } });
    const left = Number(/(\d+) of 14 runs to train/.exec(within(panel).getByRole('note', { name: 'Seeds to train' }).textContent ?? '')?.[1]);
    expect(left).toBeGreaterThanOrEqual(7);
    const before = seeds.length;
    await act(async () => {
      fireEvent.click(button);
    });
    await vi.waitFor(() => expect(seeds).toHaveLength(before + left));
    expect(seeds.slice(before)).toEqual([...Array(left - 7).fill(1), ...Array(7).fill(2)]);
    const overSeeds = await within(panel).findByRole('table', { name: 'Findings over seeds' });
    expect(
      within(overSeeds)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.querySelector('td')?.textContent),
    ).toEqual(Array(5).fill(expect.stringMatching(/^\d of 2 seeds$/)));
  });
});
