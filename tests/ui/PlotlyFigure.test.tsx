import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlotData } from '../../src/ui/plot/plotly.ts';

const plotly = vi.hoisted(() => ({
  react: vi.fn(async () => undefined),
  purge: vi.fn(),
  downloadImage: vi.fn(async () => ''),
  toImage: vi.fn(async () => ''),
}));
vi.mock('../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

const { PlotlyFigure } = await import('../../src/ui/plot/PlotlyFigure.tsx');

/** Let the lazy Plotly load resolve and effects run. */
const settle = () => act(async () => {});

describe('PlotlyFigure', () => {
  beforeEach(() => vi.clearAllMocks());
  afterEach(cleanup);

  it('is a figure with an accessible name and draws its data with Plotly.react', async () => {
    const data: PlotData[] = [{ x: [1, 2], y: [3, 4], name: 'loss' }];
    render(<PlotlyFigure name="Loss curve" data={data} />);
    await settle();
    expect(screen.getByRole('figure', { name: 'Loss curve' })).toBeTruthy();
    expect(plotly.react).toHaveBeenCalledTimes(1);
    const [, drawnData, layout] = plotly.react.mock.calls[0] as unknown as [HTMLElement, PlotData[], { height: number }];
    expect(drawnData).toBe(data);
    expect(layout.height).toBe(320);
  });

  it('redraws only when given a new data object', async () => {
    const data: PlotData[] = [{ x: [1], y: [1] }];
    const { rerender } = render(<PlotlyFigure name="ROC curve" data={data} />);
    await settle();
    rerender(<PlotlyFigure name="ROC curve" data={data} />);
    await settle();
    expect(plotly.react).toHaveBeenCalledTimes(1);
    rerender(<PlotlyFigure name="ROC curve" data={[...data, { x: [2], y: [2] }]} />);
    await settle();
    expect(plotly.react).toHaveBeenCalledTimes(2);
  });

  it('exports PNG and SVG through Plotly, named after the figure', async () => {
    render(<PlotlyFigure name="Angle histogram" data={[]} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Export Angle histogram as SVG' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export Angle histogram as PNG' }));
    expect(plotly.downloadImage.mock.calls.map((c) => (c as unknown as [unknown, { format: string; filename: string }])[1])).toEqual([
      expect.objectContaining({ format: 'svg', filename: 'angle-histogram' }),
      expect.objectContaining({ format: 'png', filename: 'angle-histogram' }),
    ]);
  });

  it('purges the plot when unmounted', async () => {
    const { unmount } = render(<PlotlyFigure name="Loss curve" data={[]} />);
    await settle();
    unmount();
    expect(plotly.purge).toHaveBeenCalledTimes(1);
  });
});
