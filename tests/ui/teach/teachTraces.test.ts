/** The teaching figures' content, checked without a browser. */
import { describe, expect, it } from 'vitest';
import { targetLogit } from '../../../src/core/targetLogit.ts';
import type { EvalGeometry, LossConfig } from '../../../src/protocol/api.ts';
import { applyTrainEvent } from '../../../src/ui/runs/applyEvent.ts';
import { lossCurveFigure } from '../../../src/ui/panels/traces.ts';
import { angularMarginDeg, currentLoss, hypersphereFigure } from '../../../src/ui/teach/hypersphereTraces.ts';
import { angleStatsFigure, latestAngleStats, liveChangeMarks, targetLogitFigure, targetLogitFormula, winningAngleDeg } from '../../../src/ui/teach/teachTraces.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import { makeRun } from '../fixtures.ts';

const STATS = { intraMeanDeg: 20, interMeanDeg: 80, interMinDeg: 40, positiveMeanDeg: 30, positiveMinDeg: 5, negativeMeanDeg: 85, negativeMinDeg: 50 };

describe('Target logit', () => {
  it('draws the loss’s own target logit over 0–180° and the plain cosine', () => {
    const loss: LossConfig = { kind: 'arcface', scale: 64, marginDeg: 60 };
    const { data, layout } = targetLogitFigure(loss);
    const curve = data.find((t) => String(t.name).startsWith('target logit'))!;
    expect(curve.name).toBe('target logit: 64·cos(θ + 60°)');
    const xs = curve.x as number[];
    expect(xs[0]).toBe(0);
    expect(xs.at(-1)).toBe(180);
    (curve.y as number[]).forEach((y, i) => expect(y).toBeCloseTo(targetLogit(xs[i], loss), 9));
    expect((data.find((t) => String(t.name).startsWith('no margin'))!.y as number[])[60]).toBeCloseTo(32, 9);
    expect(layout.annotations?.[1].text).toBe('target wins: θ < 30°');
  });

  it('says where the target beats a class at 90°: 90° without margin, 90° − m with ArcFace, earlier with CosFace', () => {
    expect(winningAngleDeg({ kind: 'softmax', scale: 64 })).toBeCloseTo(90, 2);
    expect(winningAngleDeg({ kind: 'arcface', scale: 64, marginDeg: 60 })).toBeCloseTo(30, 2);
    expect(winningAngleDeg({ kind: 'cosface', scale: 64, cosineMargin: 0.5 })).toBeCloseTo(60, 2);
    expect(targetLogitFormula({ kind: 'combined', scale: 64, angleFactor: 1, marginDeg: 17.19, cosineMargin: 0.2 })).toBe('64·(cos(1θ + 17.19°) − 0.2)');
  });

  it('adds the θ_y histogram as shares on the right axis', () => {
    const { data } = targetLogitFigure({ kind: 'softmax', scale: 16 }, { binDeg: 60, counts: new Float32Array([1, 3, 0]) });
    expect(data[0]).toMatchObject({ type: 'bar', x: [30, 90, 150], y: [0.25, 0.75, 0], yaxis: 'y2' });
  });

  it('gives the right axis room for its ticks and, apart from them, its title', () => {
    const { layout } = targetLogitFigure({ kind: 'softmax', scale: 16 }, { binDeg: 60, counts: new Float32Array([1, 3, 0]) });
    expect(layout.margin?.r).toBeGreaterThanOrEqual(64);
    expect(layout.yaxis2).toMatchObject({ automargin: true, title: { text: 'share of images', standoff: 10 } });
    // Without the histogram the right axis is hidden and keeps the theme's margin.
    expect(targetLogitFigure({ kind: 'softmax', scale: 16 }).layout.margin).toBeUndefined();
  });
});

const geometry2d: EvalGeometry = {
  space: 'embedding',
  dim: 2,
  embeddingDim: 2,
  points: new Float32Array([1, 0, 0.8, 0.6, 0, 1, -0.6, 0.8, -1, 0]),
  identities: new Int32Array([0, 0, 1, 1, 2]),
  centres: new Float32Array([1, 0, 0, 1, -1, 0]),
  centreIds: new Int32Array([0, 1, 2]),
  thetaY: { binDeg: 2, counts: new Float32Array(90) },
};

describe('Hypersphere', () => {
  it('2-D: the unit circle, a ray and a ±m wedge per centre, one point trace per identity', () => {
    const { data, layout } = hypersphereFigure(geometry2d, 30);
    const points = data.filter((t) => String(t.name).startsWith('identity '));
    expect(points.map((t) => [t.name, (t.x as number[]).length])).toEqual([
      ['identity 0', 2],
      ['identity 1', 2],
      ['identity 2', 1],
    ]);
    const ray = data.find((t) => t.name === 'centre of identity 1')!;
    expect(ray.x).toEqual([0, 0]);
    expect(ray.y).toEqual([0, 1]);
    const wedge = data.find((t) => t.name === 'margin ±30° of identity 1')!;
    const xs = wedge.x as number[];
    const ys = wedge.y as number[];
    const angles = xs.slice(1, -1).map((x, i) => (Math.atan2(ys[i + 1], x) * 180) / Math.PI);
    expect(Math.min(...angles)).toBeCloseTo(60, 9);
    expect(Math.max(...angles)).toBeCloseTo(120, 9);
    expect(layout.yaxis?.scaleanchor).toBe('x');
    expect(hypersphereFigure(geometry2d, 0).data.some((t) => String(t.name).startsWith('margin'))).toBe(false);
  });

  it('3-D: two equal-area discs, points placed by hemisphere, cap outlines for the margin', () => {
    const g: EvalGeometry = {
      ...geometry2d,
      dim: 3,
      embeddingDim: 3,
      points: new Float32Array([0, 0, 1, 0, 0, -1]),
      identities: new Int32Array([0, 1]),
      centres: new Float32Array([0, 0, 1, 1, 0, 0]),
      centreIds: new Int32Array([0, 1]),
    };
    const { data, layout } = hypersphereFigure(g, 20);
    expect(data.find((t) => t.name === 'identity 0')).toMatchObject({ x: [-1.15], y: [0] });
    expect(data.find((t) => t.name === 'identity 1')).toMatchObject({ x: [1.15], y: [0] });
    // The cap around the equator's centre crosses to the lower disc: the line breaks there.
    expect((data.find((t) => t.name === 'margin 20° around identity 1')!.x as (number | null)[]).includes(null)).toBe(true);
    expect(String(layout.title && typeof layout.title === 'object' ? layout.title.text : '')).toMatch(/equal-area/);
  });

  it('PCA: labelled as a projection, no margins drawn', () => {
    const g: EvalGeometry = { ...geometry2d, space: 'pca', embeddingDim: 64, explained: [0.5, 0.25] };
    const { data, layout } = hypersphereFigure(g, 30);
    expect(data.some((t) => String(t.name).startsWith('margin'))).toBe(false);
    expect(layout.title).toMatchObject({ text: expect.stringMatching(/PCA projection of the 64-d embeddings/) });
    expect(layout.xaxis?.title).toMatchObject({ text: 'PC 1 (50% of variance)' });
  });
});

describe('run records with angle statistics and live changes', () => {
  it('store statistics per evaluation and the changes, flag the run, and mark the loss curve', () => {
    let run = makeRun('r', { auc: 0.9, config: { loss: { kind: 'arcface', marginDeg: 30 } } });
    expect(latestAngleStats(run)).toBeUndefined();
    run = applyTrainEvent(run, {
      ...(run.lastEval as NonNullable<RunRecord['lastEval']>),
      type: 'eval',
      runId: 'r',
      step: 8,
      flipEval: false,
      seconds: 1,
      angleStats: STATS,
      geometry: geometry2d,
    });
    expect(latestAngleStats(run)).toEqual(STATS);
    expect(run.lastEval?.geometry).toBe(geometry2d);
    expect(angleStatsFigure(run).data[0].y as number[]).toEqual([20]);
    expect(run.changedMidRun).toBeUndefined();
    const loss = { kind: 'arcface' as const, scale: 64, marginDeg: 60 };
    run = applyTrainEvent(run, { type: 'live', runId: 'r', step: 3, params: { marginDeg: 60 }, loss, lr: 0.1 });
    expect(run.changedMidRun).toBe(true);
    expect(currentLoss(run)).toEqual(loss);
    expect(angularMarginDeg(currentLoss(run))).toBe(60);
    expect(run.config.loss.marginDeg).toBe(30);
    const marks = liveChangeMarks(run);
    expect(marks.shapes).toMatchObject([{ x0: 3, x1: 3 }]);
    expect(marks.annotations).toMatchObject([{ text: 'changed: margin 60°' }]);
    expect(lossCurveFigure([run]).layout.shapes).toMatchObject([{ x0: 3 }]);
  });
});
