/**
 * The page's runs against a fake worker: unticking the newest finished run takes it off the plots, runs
 * are labelled and renamed in the table and in the legends, a new run's progress starts from "starting…" rather
 * than the last run's, and a run that failed before its first step is listed unticked.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataSummary, TrainConfig, TrainEventHandler } from '../../src/protocol/api.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

/** How the fake worker answers: held loads wait for the test, a failing train throws before any event. */
const fake = vi.hoisted(() => ({ holdLoad: false, heldLoads: [] as (() => void)[], failWith: undefined as string | undefined, runs: 0 }));

vi.mock('../../src/ui/worker/labBridge.ts', async () => {
  const { fakeLabBridge, finishRun } = await import('./fakeLabWorker.ts');
  const summary: DataSummary = { kind: 'builtin', trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 };
  return fakeLabBridge({
    loadData: () => (fake.holdLoad ? new Promise((resolve) => fake.heldLoads.push(() => resolve(summary))) : Promise.resolve(summary)),
    // A finished run at 100 images/s, unless the test makes it throw before any event.
    train: async (_config: TrainConfig, onEvent: TrainEventHandler) => {
      if (fake.failWith) throw new Error(fake.failWith);
      return finishRun(`fake-${++fake.runs}`, onEvent, { auc: 0.75, imagesPerSec: 100 });
    },
  });
});

const { App } = await import('../../src/ui/App.tsx');
const { resetUrl, showView } = await import('./views.ts');

beforeEach(() => {
  Object.assign(fake, { holdLoad: false, heldLoads: [], failWith: undefined, runs: 0 });
  resetUrl();
});
afterEach(cleanup);

/** The runs table (in Compare: reached through its view, hidden or not). */
const runsTable = () => within(screen.getByRole('region', { name: 'Runs', hidden: true })).getByRole('table', { hidden: true });
/** The screen-reader summary of a figure (what its legend holds), shown or in a hidden view. */
const summaryOf = (figure: string) => screen.getByRole('figure', { name: figure, hidden: true }).querySelector('.visually-hidden')?.textContent;

/** Renders the page and trains one run to its end through "Train". */
async function renderAndTrain() {
  render(<App />);
  const train = screen.getByRole('button', { name: 'Train' }) as HTMLButtonElement;
  await vi.waitFor(() => expect(train.disabled).toBe(false));
  await act(async () => {
    fireEvent.click(train);
  });
  await vi.waitFor(() => expect(within(runsTable()).getAllByRole('checkbox', { hidden: true })).toHaveLength(fake.runs));
  await vi.waitFor(() => expect(train.disabled).toBe(false));
  return train;
}

describe('App: runs on the plots and in the table', () => {
  it('takes the newest finished run off the ROC curve and the histogram as soon as it is unticked', async () => {
    await renderAndTrain();
    showView('Compare');
    const box = within(runsTable()).getByRole('checkbox', { name: 'Show #1 Quick demo on plots' }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(summaryOf('ROC curve')).toMatch(/Quick demo: AUC 0\.7500/);
    fireEvent.click(box);
    expect(box.checked).toBe(false);
    expect(summaryOf('ROC curve')).toBe('No evaluation yet.');
    expect(summaryOf('Angle histogram')).toBe('No evaluation yet.');
    fireEvent.click(box);
    expect(summaryOf('ROC curve')).toMatch(/Quick demo: AUC 0\.7500/);
  });

  it('numbers runs, and a name given in the table is what the legends say', async () => {
    const train = await renderAndTrain();
    await act(async () => {
      fireEvent.click(train);
    });
    await vi.waitFor(() => expect(within(runsTable()).getAllByRole('checkbox', { hidden: true })).toHaveLength(2));
    // Same preset, same settings: the numbers tell them apart.
    const [first, second] = ['#1 Quick demo', '#2 Quick demo'];
    await vi.waitFor(() => expect(summaryOf('ROC curve')).toBe(`${second}: AUC 0.7500; ${first}: AUC 0.7500`));
    showView('Compare');
    expect(summaryOf('Runs ROC curve')).toBe(`${second}: AUC 0.7500; ${first}: AUC 0.7500`);

    fireEvent.click(within(runsTable()).getByRole('button', { name: `Rename ${first}` }));
    const field = within(runsTable()).getByRole('textbox', { name: `New name for ${first}` });
    fireEvent.change(field, { target: { value: 'baseline' } });
    fireEvent.submit(field);
    expect(within(runsTable()).getByRole('checkbox', { name: 'Show baseline on plots' })).toBeTruthy();
    expect(summaryOf('ROC curve')).toBe(`${second}: AUC 0.7500; baseline: AUC 0.7500`);
    expect(summaryOf('Runs ROC curve')).toBe(`${second}: AUC 0.7500; baseline: AUC 0.7500`);
  });

  it("resets the progress when a new run starts: 'starting…', not the last run's final step", async () => {
    const train = await renderAndTrain();
    fake.holdLoad = true;
    await act(async () => {
      fireEvent.click(train);
    });
    const panel = screen.getByRole('region', { name: 'Training' });
    expect(within(panel).getByText(/^starting…/)).toBeTruthy();
    expect(panel.textContent).not.toMatch(/Step 10 \/ 10/);
    expect(panel.textContent).not.toMatch(/left/);
    await act(async () => {
      fake.heldLoads.forEach((resume) => resume());
    });
    await vi.waitFor(() => expect(train.disabled).toBe(false));
  });

  it('lists a run that failed before its first step, unticked, with its error on one line', async () => {
    render(<App />);
    const train = screen.getByRole('button', { name: 'Train' }) as HTMLButtonElement;
    await vi.waitFor(() => expect(train.disabled).toBe(false));
    fake.failWith = `GPU device lost\n${'    at compileShader (webgpu.js:1:1)\n'.repeat(200)}`;
    await act(async () => {
      fireEvent.click(train);
    });
    showView('Compare');
    const box = (await within(runsTable()).findByRole('checkbox', { name: 'Show #1 Quick demo on plots' })) as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(summaryOf('ROC curve')).toBe('No evaluation yet.');
    const message = runsTable().querySelector('.run-message summary');
    expect(message?.textContent).toBe('GPU device lost');
    expect(message?.getAttribute('title')).toBe(fake.failWith);
  });
});
