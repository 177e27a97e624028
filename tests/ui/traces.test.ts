import { describe, expect, it } from 'vitest';
import { angleHistogramFigure, lossCurveFigure, rocFigure, thresholdAngleDeg } from '../../src/ui/panels/traces.ts';
import { makeRun } from './fixtures.ts';

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
});
