/** Layout helpers of src/ui/plot: empty figures, exported images and the legend under the figure. */
import { describe, expect, it } from 'vitest';
import { emptyLayout, hasPoints } from '../../../src/ui/plot/emptyFigure.ts';
import { exportLayout, plotTheme, presentationData, withLegendBelow, withTheme } from '../../../src/ui/plot/theme.ts';

describe('emptyLayout', () => {
  it('knows a figure without points, whether it has no traces or only empty ones', () => {
    expect(hasPoints([])).toBe(false);
    expect(
      hasPoints([
        { x: new Float32Array(0), y: new Float32Array(0) },
        { x: [], y: [] },
      ]),
    ).toBe(false);
    expect(
      hasPoints([
        { x: [], y: [] },
        { x: [0], y: [1] },
      ]),
    ).toBe(true);
  });

  it("fixes every axis instead of Plotly's −1…6, keeping ranges the figure set and saying why it is empty", () => {
    const layout = emptyLayout(
      {
        xaxis: { title: { text: 'step' }, anchor: 'y3' },
        yaxis: { title: { text: 'loss' } },
        yaxis2: { title: { text: 'train acc. %' } },
        yaxis3: { title: { text: 'θ_y (°)' }, range: [0, 180] },
      },
      'No training steps yet.',
    );
    expect(layout.xaxis).toEqual({ title: { text: 'step' }, anchor: 'y3', autorange: false, range: [0, 1], showticklabels: false });
    expect(layout.yaxis).toMatchObject({ autorange: false, range: [0, 1], showticklabels: false });
    expect(layout.yaxis2).toMatchObject({ autorange: false, range: [0, 1], showticklabels: false });
    expect(layout.yaxis3).toEqual({ title: { text: 'θ_y (°)' }, range: [0, 180], autorange: false });
    expect(layout.annotations).toEqual([expect.objectContaining({ text: 'No training steps yet.', xref: 'paper', yref: 'paper', x: 0.5, y: 0.5 })]);
  });

  it('gives a log axis 10⁻³…1 and a layout without axes both axes', () => {
    expect(emptyLayout({ xaxis: { type: 'log' } }).xaxis?.range).toEqual([-3, 0]);
    const bare = emptyLayout({});
    expect([bare.xaxis?.range, bare.yaxis?.range, bare.annotations]).toEqual([[0, 1], [0, 1], undefined]);
  });
});

describe('exportLayout', () => {
  it("titles the image with the figure's name, on white in light colours even when the page is dark", () => {
    const dark = withTheme({ height: 320, xaxis: { title: { text: 'step' } } }, true);
    const layout = exportLayout(dark, 'Loss curve');
    expect(layout.title).toMatchObject({ text: 'Loss curve' });
    expect([layout.paper_bgcolor, layout.plot_bgcolor]).toEqual(['#ffffff', '#ffffff']);
    expect(layout.font?.color).toBe(plotTheme(false).font?.color);
    expect(layout.xaxis).toMatchObject({ title: { text: 'step' }, gridcolor: plotTheme(false).xaxis?.gridcolor });
    expect(layout.margin?.t).toBeGreaterThan(plotTheme(false).margin!.t!);
  });
});

describe('withLegendBelow', () => {
  it('anchors the legend to the bottom of the figure and lets the x axis push the plot up', () => {
    const layout = withLegendBelow({ xaxis: { title: { text: 'angle' } }, legend: { traceorder: 'grouped' } });
    expect(layout.legend).toEqual({ traceorder: 'grouped', orientation: 'h', xref: 'paper', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom' });
    expect(layout.xaxis).toEqual({ title: { text: 'angle' }, automargin: true });
  });
});

describe('themes', () => {
  it("colour every axis for the dark scheme, the second and third y axes too, and keep a figure's font colour", () => {
    const layout = withTheme({ yaxis2: { title: { text: 'acc' } }, yaxis3: { range: [0, 180] }, font: { size: 11 } }, true);
    const grid = plotTheme(true).xaxis?.gridcolor;
    expect([layout.xaxis?.gridcolor, layout.yaxis?.gridcolor, layout.yaxis2?.gridcolor, layout.yaxis3?.gridcolor]).toEqual([grid, grid, grid, grid]);
    expect(layout.yaxis3?.range).toEqual([0, 180]);
    expect(layout.font).toMatchObject({ size: 11, color: plotTheme(true).font?.color });
    expect(exportLayout(layout, 'x').yaxis2?.gridcolor).toBe(plotTheme(false).xaxis?.gridcolor);
  });

  it('draw presentation mode with larger type, thick lines and larger markers, leaving the given traces as they are', () => {
    const traces = [
      { type: 'scatter' as const, mode: 'lines' as const, line: { width: 1 } },
      { type: 'scatter' as const, mode: 'markers' as const, marker: { size: 6 } },
      { type: 'bar' as const, marker: { color: '#000' } },
    ];
    const thick = presentationData(traces);
    expect(thick[0].line?.width).toBe(3);
    expect(thick[1].marker?.size).toBe(9);
    expect(thick[2]).toEqual(traces[2]);
    expect(traces[0].line?.width).toBe(1);
    const layout = withTheme({ shapes: [{ type: 'line', line: { width: 2 } }] }, false, true);
    expect(layout.font?.size).toBe(18);
    expect(layout.shapes?.[0].line?.width).toBe(4);
  });
});
