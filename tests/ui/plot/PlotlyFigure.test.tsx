import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlotData, PlotLayout } from '../../../src/ui/plot/plotly.ts';

const plotly = vi.hoisted(() => ({
  // Like Plotly, keep what was drawn on the div (the export reads it back).
  react: vi.fn(async (node: HTMLElement, data: unknown, layout: unknown) => {
    Object.assign(node, { data, layout });
  }),
  purge: vi.fn(),
  downloadImage: vi.fn(async () => ''),
  toImage: vi.fn(async () => ''),
}));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

const { PlotlyFigure } = await import('../../../src/ui/plot/PlotlyFigure.tsx');
const { PresentationContext, ViewVisibleContext } = await import('../../../src/ui/plot/figureContext.ts');

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

  it("exports the plot as drawn, titled with the figure's name and on white", async () => {
    const data: PlotData[] = [{ x: [0, 1], y: [0, 1], name: 'chance' }];
    render(<PlotlyFigure name="ROC curve" data={data} layout={{ xaxis: { title: { text: 'false accept rate' } } }} />);
    await settle();
    // A legend click hides a trace on the page: the image shows the plot as the user left it.
    const node = screen.getByTestId('plot-roc-curve') as HTMLElement & { data: PlotData[] };
    node.data = [{ ...node.data[0], visible: 'legendonly' }];
    fireEvent.click(screen.getByRole('button', { name: 'Export ROC curve as PNG' }));
    const [figure, options] = plotly.downloadImage.mock.calls[0] as unknown as [{ data: PlotData[]; layout: PlotLayout }, { filename: string }];
    expect(options.filename).toBe('roc-curve');
    expect(figure.layout.title).toMatchObject({ text: 'ROC curve' });
    expect(figure.layout.paper_bgcolor).toBe('#ffffff');
    expect(figure.layout.xaxis?.title).toEqual({ text: 'false accept rate' });
    expect(figure.data).toEqual([expect.objectContaining({ name: 'chance', visible: 'legendonly' })]);
    expect(figure.data[0]).not.toBe(node.data[0]); // a copy: Plotly writes into what it draws
  });

  it("draws an empty figure on fixed axes with its summary, not Plotly's default −1…6", async () => {
    const layout: PlotLayout = { xaxis: { title: { text: 'step' } }, yaxis: { title: { text: 'loss' } } };
    const { rerender } = render(<PlotlyFigure name="Loss curve" data={[{ x: [], y: [] }]} layout={layout} summary="No training steps yet." />);
    await settle();
    const drawn = () => (plotly.react.mock.calls.at(-1) as unknown as [HTMLElement, PlotData[], PlotLayout])[2];
    expect(drawn().xaxis).toMatchObject({ title: { text: 'step' }, autorange: false, range: [0, 1] });
    expect(drawn().yaxis).toMatchObject({ autorange: false, range: [0, 1] });
    expect(drawn().annotations).toEqual([expect.objectContaining({ text: 'No training steps yet.' })]);
    rerender(<PlotlyFigure name="Loss curve" data={[{ x: [0], y: [5] }]} layout={layout} summary="step 0, loss 5" />);
    await settle();
    expect(drawn().xaxis?.range).toBeUndefined();
    expect(drawn().annotations).toBeUndefined();
  });

  it('purges the plot when unmounted', async () => {
    const { unmount } = render(<PlotlyFigure name="Loss curve" data={[]} />);
    await settle();
    unmount();
    expect(plotly.purge).toHaveBeenCalledTimes(1);
  });

  it('waits to draw while its view is hidden, then draws the latest data when it is shown', async () => {
    const figure = (visible: boolean, data: PlotData[]) => (
      <ViewVisibleContext.Provider value={visible}>
        <PlotlyFigure name="ROC curve" data={data} />
      </ViewVisibleContext.Provider>
    );
    const { rerender } = render(figure(false, [{ x: [1], y: [1] }]));
    await settle();
    rerender(figure(false, [{ x: [1, 2], y: [1, 2] }]));
    await settle();
    expect(plotly.react).not.toHaveBeenCalled();
    rerender(figure(true, [{ x: [1, 2], y: [1, 2] }]));
    await settle();
    expect(plotly.react).toHaveBeenCalledTimes(1);
    expect((plotly.react.mock.calls[0] as unknown as [HTMLElement, PlotData[]])[1]).toEqual([{ x: [1, 2], y: [1, 2] }]);
  });

  it('in presentation mode draws thick lines and large type, and takes its height from the page', async () => {
    render(
      <PresentationContext.Provider value>
        <PlotlyFigure name="Loss curve" data={[{ x: [0, 1], y: [1, 0], mode: 'lines', line: { width: 2 } }]} height={320} />
      </PresentationContext.Provider>,
    );
    await settle();
    const [node, data, layout] = plotly.react.mock.calls[0] as unknown as [HTMLElement, PlotData[], PlotLayout];
    expect(data[0].line?.width).toBe(4);
    expect(layout.font?.size).toBe(18);
    expect(layout.height).toBeUndefined();
    expect(node.className).toBe('plot-area plot-area--fill');
  });
});
