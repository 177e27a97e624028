/**
 * The workspace against a fake worker: five views behind a top bar of tabs, each in the URL; the run's
 * progress in sight in every view and live in Compare's runs table; Space to pause and resume; the settings in a
 * side panel; presentation mode; and "Train on toy data" from the state the page opens in.
 */
// The runs are stored as in a browser (IndexedDB): the page says so in its top bar when it cannot store them.
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultPageState, encodeHash } from '../../src/core/hashState.ts';
import { TOY_DATA, TOY_TEST_PAIRS } from '../../src/core/toy.ts';
import type { DataSpec, StepPoints, TrainConfig, TrainEventHandler } from '../../src/protocol/api.ts';
import type { PlotData, PlotLayout } from '../../src/ui/plot/plotly.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

/** A worker whose run trains only when the test says: `emit(step)` sends a step, `finish()` ends it. */
const fake = vi.hoisted(() => ({
  emit: (_step: number) => {},
  finish: () => {},
  paused: 0,
  resumed: 0,
  trained: [] as { config: TrainConfig; data?: DataSpec }[],
  loaded: [] as DataSpec[],
}));

vi.mock('../../src/ui/worker/labBridge.ts', async () => {
  const { fakeLabBridge, finishRun } = await import('./fakeLabWorker.ts');
  const { emptyHistory } = await import('../../src/ui/runs/applyEvent.ts');
  return fakeLabBridge({
    loadData: async (spec: DataSpec) => {
      fake.loaded.push(spec);
      return { kind: 'builtin', trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 };
    },
    train: (config: TrainConfig, onEvent: TrainEventHandler) =>
      new Promise((resolve) => {
        fake.trained.push({ config, data: fake.loaded.at(-1) });
        const runId = `live-${fake.trained.length}`;
        fake.emit = (step) => {
          const points = Object.fromEntries(Object.keys(emptyHistory()).map((k) => [k, new Float32Array(1)])) as unknown as StepPoints;
          points.step[0] = step;
          points.loss[0] = 3;
          onEvent({ type: 'step', runId, points });
        };
        fake.finish = () => resolve(finishRun(runId, onEvent, { auc: 0.8 }));
      }),
    pause: async () => void fake.paused++,
    resume: async () => void fake.resumed++,
    stop: async () => fake.finish(),
  });
});

const { App } = await import('../../src/ui/App.tsx');
const { openOn, resetUrl, showView } = await import('./views.ts');

beforeEach(() => {
  Object.assign(fake, { paused: 0, resumed: 0, trained: [], loaded: [] });
  resetUrl();
});
afterEach(() => {
  act(() => fake.finish());
  cleanup();
  vi.clearAllMocks();
});

/** Something each view shows, by which the test knows it is on screen. */
const LANDMARKS = {
  Train: () => screen.queryByRole('button', { name: 'Train' }),
  Compare: () => screen.queryByRole('region', { name: 'Runs' }),
  Teach: () => screen.queryByRole('region', { name: 'Teaching views' }),
  Verify: () => screen.queryByRole('region', { name: 'Saved models' }),
  Data: () => screen.queryByRole('region', { name: 'Data' }),
} as const;
type ViewName = keyof typeof LANDMARKS;
const NAMES = Object.keys(LANDMARKS) as ViewName[];

/** The views on screen now. */
const shownViews = () => NAMES.filter((name) => LANDMARKS[name]() !== null);

/** Renders the page and waits for its worker. */
async function renderLab() {
  render(<App />);
  const train = screen.getByRole('button', { name: 'Train', hidden: true }) as HTMLButtonElement;
  await vi.waitFor(() => expect(train.disabled).toBe(false));
  return train;
}

/** Starts a run with "Train" and lets it report `step`. */
async function startRun(step = 0) {
  const train = await renderLab();
  await act(async () => {
    fireEvent.click(train);
  });
  await vi.waitFor(() => expect(fake.trained).toHaveLength(1));
  act(() => fake.emit(step));
}

const runProgress = () => screen.getByRole('status', { name: 'Run progress' }).textContent;

describe('the workspace', () => {
  it('has five view tabs in the top bar, none of them a button; each shows its view alone and names it in the URL', async () => {
    await renderLab();
    const tabs = within(screen.getByRole('tablist', { name: 'Views' })).getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(NAMES);
    expect(shownViews()).toEqual(['Train']);
    // "Train" the view never clashes with "Train" the button.
    expect(screen.getAllByRole('button', { name: 'Train' })).toHaveLength(1);
    expect(tabs.every((t) => t.tagName === 'A')).toBe(true);
    for (const name of [...NAMES.slice(1), 'Train' as const]) {
      showView(name);
      expect(shownViews()).toEqual([name]);
      expect(screen.getByRole('tab', { name }).getAttribute('aria-selected')).toBe('true');
      expect(window.location.hash).toBe(encodeHash({ ...defaultPageState(), view: name.toLowerCase() as never }));
    }
    // Each tab is a link to the page as it is, in that view (open it in a new tab, copy it).
    expect(screen.getByRole('tab', { name: 'Verify' }).getAttribute('href')).toBe(encodeHash({ ...defaultPageState(), view: 'verify' }));
    // Arrow keys move between the tabs and show their views.
    act(() => {
      fireEvent.keyDown(screen.getByRole('tab', { name: 'Train' }), { key: 'ArrowRight' });
    });
    expect(shownViews()).toEqual(['Compare']);
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Compare' }));
  });

  it('opens on the view its link names, goes back with Back, and follows a link opened in the tab', async () => {
    openOn('data');
    await renderLab();
    expect(shownViews()).toEqual(['Data']);
    showView('Verify');
    expect(shownViews()).toEqual(['Verify']);
    // Back: the browser restores the previous entry's hash and fires popstate.
    act(() => {
      window.history.back();
    });
    await vi.waitFor(() => expect(shownViews()).toEqual(['Data']));
    // A link followed in the tab changes the view and keeps the setup it does not name.
    act(() => {
      window.history.replaceState(null, '', '#view=teach');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(shownViews()).toEqual(['Teach']);
    expect(window.location.hash).toBe(encodeHash({ ...defaultPageState(), view: 'teach' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the run’s progress in the top bar of every view, and the live run in Compare’s runs table', async () => {
    await startRun(3);
    await vi.waitFor(() => expect(runProgress()).toMatch(/^Training.*Quick demo.*step 4\/1000/));
    for (const name of NAMES) {
      showView(name);
      expect(runProgress()).toMatch(/^Training.*step 4\/1000/);
      expect(screen.getByRole('status', { name: 'Backend' }).textContent).toMatch(/^Backend: CPU/);
    }
    showView('Compare');
    const row = () =>
      within(screen.getByRole('region', { name: 'Runs' }))
        .getByRole('table')
        .querySelector('tr[data-run-id="live-1"]');
    await vi.waitFor(() => expect(row()?.textContent).toMatch(/step 4\/1000/));
    act(() => fake.emit(9));
    await vi.waitFor(() => expect(row()?.textContent).toMatch(/step 10\/1000/));
    act(() => fake.finish());
    await vi.waitFor(() => expect(runProgress()).toMatch(/^Idle.*last run: Quick demo, completed/));
  });

  it('pauses and resumes the run with Space, except where Space works a control', async () => {
    await startRun();
    await vi.waitFor(() => expect(runProgress()).toMatch(/^Training/));
    fireEvent.keyDown(screen.getByRole('button', { name: 'Stop' }), { key: ' ' });
    expect(fake.paused).toBe(0);
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(fake.paused).toBe(1);
    await vi.waitFor(() => expect(runProgress()).toMatch(/^Paused/));
    // In any view.
    showView('Teach');
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(fake.resumed).toBe(1);
    await vi.waitFor(() => expect(runProgress()).toMatch(/^Training/));
  });

  it('keeps the settings in a side panel that opens beside the figures and closes with Escape', async () => {
    await renderLab();
    const toggle = screen.getByRole('button', { name: 'Settings' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('region', { name: 'Settings' })).toBeNull();
    fireEvent.click(toggle);
    const panel = screen.getByRole('region', { name: 'Settings' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    // Grouped as before: the config panel's groups.
    expect(Array.from(panel.querySelectorAll('summary'), (s) => s.textContent)).toEqual(['Model', 'Loss', 'Optimiser', 'Training', 'Evaluation']);
    fireEvent.change(within(panel).getByLabelText('Steps'), { target: { value: '40' } });
    expect(window.location.hash).toMatch(/(^#|&)n=40(&|$)/);
    fireEvent.keyDown(within(panel).getByLabelText('Steps'), { key: 'Escape' });
    expect(screen.queryByRole('region', { name: 'Settings' })).toBeNull();
    expect(document.activeElement).toBe(toggle);
  });

  it('switches presentation mode from the top bar: in the link, on the page, and in the figures', async () => {
    await renderLab();
    const toggle = screen.getByRole('button', { name: 'Presentation' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    plotly.react.mockClear();
    await act(async () => {
      fireEvent.click(toggle);
    });
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(window.location.hash).toMatch(/&present=1$/);
    expect(document.documentElement.classList.contains('presentation')).toBe(true);
    const loss = screen.getByTestId('plot-loss-curve');
    expect(loss.className).toMatch(/plot-area--fill/);
    const drawn = plotly.react.mock.calls.filter((c) => (c as unknown[])[0] === loss).at(-1) as unknown as [HTMLElement, PlotData[], PlotLayout];
    expect(drawn[2].font?.size).toBe(18);
    expect(drawn[2].height).toBeUndefined();
    fireEvent.click(toggle);
    expect(document.documentElement.classList.contains('presentation')).toBe(false);
  });

  it('draws a hidden view’s figures only once the view is shown', async () => {
    await renderLab();
    await act(async () => {});
    const drawnOn = (testId: string) => plotly.react.mock.calls.filter((c) => (c as unknown[])[0] === screen.getByTestId(testId)).length;
    expect(drawnOn('plot-loss-curve')).toBeGreaterThan(0);
    expect(drawnOn('plot-runs-roc-curve')).toBe(0);
    await act(async () => showView('Compare'));
    expect(drawnOn('plot-runs-roc-curve')).toBeGreaterThan(0);
  });

  it('trains "Train on toy data" from the state the page opens in', async () => {
    openOn('teach');
    await renderLab();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Train on toy data' }));
    });
    await vi.waitFor(() => expect(fake.trained).toHaveLength(1));
    expect(fake.trained[0].data).toEqual({ kind: 'builtin', train: { ...TOY_DATA.train }, test: { ...TOY_DATA.test } });
    expect(fake.trained[0].config.evalPairs).toBe(TOY_TEST_PAIRS);
    act(() => fake.emit(0));
    await vi.waitFor(() => expect(runProgress()).toMatch(/^Training.*Toy 512-d \(PCA view\)/));
  });
});
