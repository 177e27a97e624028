import { describe, expect, it } from 'vitest';
import { angleHistogramFigure, LOSS_PART_COLOURS, lossCurveFigure, RUN_COLOURS, rocFigure, thresholdAngleDeg } from '../../../src/ui/panels/traces.ts';
import type { PlotLayout } from '../../../src/ui/plot/plotly.ts';
import { makeRun } from '../fixtures.ts';

describe('figure traces', () => {
  it('"Loss curve" draws raw and smoothed loss, cross-entropy, accuracy in % and θ_y on three stacked axes', () => {
    const { data, layout } = lossCurveFigure([makeRun('a', { steps: 4 })], 0);
    expect(data.map((t) => t.name)).toEqual(['loss (raw)', 'loss (smoothed)', 'cross-entropy', 'training accuracy', 'mean θ_y']);
    expect(Array.from(data[0].y as Float32Array)).toEqual([5, 4, 3, 2]);
    expect(Array.from(data[3].y as Float32Array).map((v) => Math.round(v))).toEqual([0, 10, 20, 30]);
    expect(data[3].yaxis).toBe('y2');
    expect(data[4].yaxis).toBe('y3');
    expect(layout.yaxis3?.title).toEqual({ text: 'θ_y (°)' });
  });

  it('adds the intra penalty only for the intra loss, and other runs as thinner smoothed lines', () => {
    const intra = makeRun('i', { config: { loss: { kind: 'intra', scale: 64, alpha: 1 } } });
    const names = lossCurveFigure([intra, makeRun('b')], 0).data.map((t) => t.name);
    expect(names).toContain('intra penalty');
    expect(names.filter((n) => n?.endsWith('· b'))).toEqual(['loss (smoothed) · b', 'training accuracy · b', 'mean θ_y · b']);
  });

  it('"ROC curve" has one trace per evaluated run with its AUC, and drops FPR = 0 on a log axis', () => {
    const runs = [makeRun('a', { auc: 0.9123, label: 'Softmax' }), makeRun('b', { auc: 0.95, label: 'Margin 30°' }), makeRun('c')];
    const linear = rocFigure(runs, false);
    expect(linear.data.map((t) => t.name)).toEqual(['Softmax (AUC 0.9123)', 'Margin 30° (AUC 0.9500)', 'chance']);
    const log = rocFigure(runs, true);
    expect(log.layout.xaxis?.type).toBe('log');
    expect(Array.from(log.data[0].x as Float32Array)).toEqual([0.5, 1]);
    expect(log.data).toHaveLength(2);
  });

  it('"Angle histogram" shows class fractions over bin centres and the EER threshold as an angle', () => {
    const { data, layout } = angleHistogramFigure([makeRun('a', { auc: 0.9 })]);
    expect(data[0].x).toEqual([30, 90, 150]);
    expect(data[0].y).toEqual([1, 0, 0]);
    expect(data[1].y).toEqual([0, 0.5, 0.5]);
    expect(layout.shapes?.[0].x0).toBeCloseTo(60, 10); // acos(0.5) = 60°
    expect(thresholdAngleDeg(0)).toBeCloseTo(90, 10);
    expect(thresholdAngleDeg(2)).toBe(0);
  });

  it("gives every trace of the loss panel its own colour, none of them an overlaid run's", () => {
    const intra = makeRun('i', { config: { loss: { kind: 'intra', scale: 64, alpha: 1 } } });
    const { data } = lossCurveFigure([intra, makeRun('b'), makeRun('c')], 0);
    const lossPanel = data.filter((t) => t.yaxis === undefined);
    expect(lossPanel.map((t) => t.name)).toEqual(['loss (raw) · i', 'loss (smoothed) · i', 'cross-entropy', 'intra penalty', 'loss (smoothed) · b', 'loss (smoothed) · c']);
    const colours = lossPanel.map((t) => t.line?.color);
    expect(new Set(colours).size).toBe(colours.length);
    for (const part of Object.values(LOSS_PART_COLOURS)) expect(RUN_COLOURS).not.toContain(part);
  });

  /** Where a layout's legend sits: under the whole figure, in room Plotly reserves for it. */
  const expectLegendBelow = (layout: PlotLayout) => {
    expect(layout.legend).toMatchObject({ orientation: 'h', yref: 'container', y: 0, yanchor: 'bottom' });
    // Without automargin the x axis's labels are drawn over the room reserved for the legend.
    expect(layout.xaxis?.automargin).toBe(true);
  };

  it("puts the histogram's legend under the figure, clear of the EER threshold label above the plot", () => {
    const runs = ['a', 'b', 'c', 'd', 'e'].map((id) => makeRun(id, { auc: 0.9 }));
    const { data, layout } = angleHistogramFigure(runs);
    expect(data).toHaveLength(10);
    expectLegendBelow(layout);
    expect(layout.annotations).toEqual([expect.objectContaining({ text: 'EER threshold', yref: 'paper', y: 1, yanchor: 'bottom' })]);
  });

  it("puts the loss curve's legend under the figure, clear of the live-change labels above the plot", () => {
    expectLegendBelow(lossCurveFigure([makeRun('a')], 0).layout);
  });
});

describe('loss curve: interruptions', () => {
  it('shades the steps trained twice and marks where the run went on, with what cut it off', () => {
    const run = {
      ...makeRun('a', { steps: 12 }),
      interruptions: [
        { atStep: 9, resumedFrom: 5, reason: 'the GPU device was lost' },
        { atStep: 11, resumedFrom: 11, reason: 'the page was reloaded or closed' },
      ],
    };
    const { layout } = lossCurveFigure([run]);
    const shapes = layout.shapes ?? [];
    expect(shapes.filter((s) => s.type === 'rect').map((s) => [s.x0, s.x1])).toEqual([[5, 9]]);
    expect(shapes.filter((s) => s.type === 'line').map((s) => s.x0)).toEqual([5, 11]);
    const notes = (layout.annotations ?? []).map((a) => [a.text, a.hovertext]);
    expect(notes).toEqual([
      ['↻ resumed from step 5 (4 steps lost, trained again)', 'the GPU device was lost at step 9'],
      ['↻ resumed from step 11', 'the page was reloaded or closed at step 11'],
    ]);
    // Only the main run's: other overlaid runs keep the figure uncluttered.
    expect(lossCurveFigure([makeRun('b'), run]).layout.shapes ?? []).toEqual([]);
  });
});
