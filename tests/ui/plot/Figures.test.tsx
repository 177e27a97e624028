/** The lab's run figures as drawn: their height follows the legend under the plot. */
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlotData, PlotLayout } from '../../../src/ui/plot/plotly.ts';
import { makeRun } from '../fixtures.ts';

const plotly = vi.hoisted(() => ({
  react: vi.fn(async () => undefined),
  purge: vi.fn(),
  downloadImage: vi.fn(async () => ''),
  toImage: vi.fn(async () => ''),
}));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

const { AngleHistogram, LossCurve } = await import('../../../src/ui/panels/Figures.tsx');

/** The layout of the latest draw, once the lazy Plotly load has resolved. */
async function drawnLayout(): Promise<PlotLayout> {
  await act(async () => {});
  return (plotly.react.mock.calls.at(-1) as unknown as [HTMLElement, PlotData[], PlotLayout])[2];
}

describe('run figures', () => {
  beforeEach(() => vi.clearAllMocks());
  afterEach(cleanup);

  it("grow the angle histogram with the runs it overlays, so five runs' legend does not squeeze the bars", async () => {
    const runs = ['a', 'b', 'c', 'd', 'e'].map((id) => makeRun(id, { auc: 0.9 }));
    render(<AngleHistogram runs={runs.slice(0, 1)} />);
    const one = (await drawnLayout()).height!;
    cleanup();
    render(<AngleHistogram runs={runs} />);
    const five = (await drawnLayout()).height!;
    expect(one).toBe(320);
    expect(five - one).toBeGreaterThanOrEqual(4 * 20); // four more rows of two entries
  });

  it('draw the loss curve before the first step on fixed axes, not from step −1 to 6', async () => {
    render(<LossCurve runs={[makeRun('a', { steps: 0 })]} />);
    const layout = await drawnLayout();
    expect(layout.xaxis).toMatchObject({ title: { text: 'step' }, range: [0, 1], autorange: false });
    expect(layout.annotations).toEqual([expect.objectContaining({ text: 'No training steps yet.' })]);
  });
});
