/**
 * Plotly figures of the teaching views that are plain line/bar plots: "Target logit" (the true-class
 * logit against θ for a loss, with the θ_y histogram over it), "Angle statistics" over evaluations, and
 * the live-change markers of the loss curve. Pure functions, unit-tested without a browser.
 */
import type { LossConfig } from '../../core/lossConfig.ts';
import { targetLogitCurve } from '../../core/targetLogit.ts';
import type { AngleStats, EvalGeometry, LiveParams } from '../../protocol/api.ts';
import type { PlotData, PlotLayout } from '../plot/plotly.ts';
import { plotTheme } from '../plot/theme.ts';
import type { RunRecord } from '../runs/runRecord.ts';

/** The formula of a loss's target logit, as the figure's legend writes it. */
export function targetLogitFormula(loss: LossConfig): string {
  const s = loss.scale;
  switch (loss.kind) {
    case 'softmax':
      return `${s}·cos θ`;
    case 'intra':
      return `${s}·cos θ (+ α·θ penalty in the loss)`;
    case 'arcface':
      return `${s}·cos(θ + ${fmt(loss.marginDeg ?? 0)}°)`;
    case 'cosface':
      return `${s}·(cos θ − ${fmt(loss.cosineMargin ?? 0)})`;
    case 'combined':
      return `${s}·(cos(${fmt(loss.angleFactor ?? 1)}θ + ${fmt(loss.marginDeg ?? 0)}°) − ${fmt(loss.cosineMargin ?? 0)})`;
  }
}

const fmt = (v: number) => String(Number(v.toFixed(2)));

/**
 * The angle θ (degrees) below which the target logit beats the logit of a class at 90° from the feature
 * (logit 0, what an unrelated class gets): the first zero crossing of the curve, linearly interpolated
 * on a 0.25° grid; 0 when it never wins, 180 when it always does.
 */
export function winningAngleDeg(loss: LossConfig, pointCount = 721): number {
  const { thetaDeg, logit } = targetLogitCurve(loss, pointCount);
  if (logit[0] <= 0) return 0;
  for (let i = 1; i < thetaDeg.length; i++) {
    if (logit[i] <= 0) return thetaDeg[i - 1] + ((thetaDeg[i] - thetaDeg[i - 1]) * logit[i - 1]) / (logit[i - 1] - logit[i]);
  }
  return 180;
}

/** Right margin (px) of "Target logit" with its share axis: tick labels up to "100%" plus the axis title. */
export const RIGHT_AXIS_MARGIN = 72;

/**
 * "Target logit": s·f(θ) of `loss` from 0° to 180°, the plain s·cos θ for comparison, the zero line (the
 * logit of a class at 90°), the band of θ where the target still wins, and, when given, the histogram of
 * θ_y of held-out images (right axis).
 */
export function targetLogitFigure(loss: LossConfig, thetaY?: EvalGeometry['thetaY']): { data: PlotData[]; layout: PlotLayout } {
  const curve = targetLogitCurve(loss, 181);
  const plain = targetLogitCurve({ kind: 'softmax', scale: loss.scale }, 181);
  const wins = winningAngleDeg(loss);
  const data: PlotData[] = [];
  let shareTop = 1;
  if (thetaY) {
    const total = thetaY.counts.reduce((s, c) => s + c, 0) || 1;
    // Bars in the lower ~40% of the plot, under the curve rather than over it.
    shareTop = (2.5 * Math.max(...thetaY.counts)) / total || 1;
    data.push({
      x: Array.from(thetaY.counts, (_, b) => (b + 0.5) * thetaY.binDeg),
      y: Array.from(thetaY.counts, (c) => c / total),
      type: 'bar',
      name: 'θ_y of held-out images',
      marker: { color: '#999999' },
      opacity: 0.45,
      yaxis: 'y2',
      hovertemplate: '%{x:.0f}°: %{y:.1%}<extra></extra>',
    });
  }
  data.push({ x: plain.thetaDeg, y: plain.logit, type: 'scatter', mode: 'lines', name: `no margin: ${loss.scale}·cos θ`, line: { color: '#999999', dash: 'dot', width: 1.5 } });
  data.push({ x: curve.thetaDeg, y: curve.logit, type: 'scatter', mode: 'lines', name: `target logit: ${targetLogitFormula(loss)}`, line: { color: '#D55E00', width: 3 } });
  const layout: PlotLayout = {
    xaxis: { title: { text: 'θ: angle between a feature and its class centre (°)' }, range: [0, 180], dtick: 30 },
    yaxis: { title: { text: 'true-class logit' }, zeroline: true },
    // The right axis's tick labels ("35%") and title need room of their own: the theme's 16 px right margin let the
    // title sit on the ticks. automargin grows the margin further when the labels need it, standoff parts the two.
    yaxis2: {
      overlaying: 'y',
      side: 'right',
      showgrid: false,
      range: [0, shareTop],
      title: { text: 'share of images', standoff: 10 },
      tickformat: '.0%',
      visible: !!thetaY,
      automargin: true,
    },
    ...(thetaY ? { margin: { ...plotTheme(false).margin, r: RIGHT_AXIS_MARGIN } } : {}),
    shapes: [
      { type: 'rect', xref: 'x', yref: 'paper', x0: 0, x1: wins, y0: 0, y1: 1, fillcolor: '#009E73', opacity: 0.1, line: { width: 0 } },
      { type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 0, y1: 0, line: { color: '#009E73', dash: 'dash', width: 1.5 } },
    ],
    annotations: [
      { x: 180, y: 0, xanchor: 'right', yanchor: 'bottom', text: 'a class at 90° (logit 0)', showarrow: false },
      { x: wins / 2, y: 1, yref: 'paper', yanchor: 'top', text: wins > 0 ? `target wins: θ < ${wins.toFixed(0)}°` : 'target never wins', showarrow: false },
    ],
    legend: { orientation: 'h', y: 1.18 },
    barmode: 'overlay',
    uirevision: 'target-logit',
  };
  return { data, layout };
}

/** The angle statistics of a run's evaluations that have them, in step order. */
export function angleStatsSeries(run: RunRecord): { step: number; stats: AngleStats }[] {
  return run.evals.flatMap((e) => (e.angleStats ? [{ step: e.step, stats: e.angleStats }] : []));
}

/** The latest angle statistics of a run, if any evaluation had them. */
export function latestAngleStats(run: RunRecord): AngleStats | undefined {
  return angleStatsSeries(run).at(-1)?.stats;
}

/** Degrees with one decimal, or a dash. */
export function formatDegrees(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(1)}°`;
}

/** The series the "Angle statistics" figure draws, with their legend names and colours. */
export const ANGLE_SERIES: readonly { key: keyof AngleStats; name: string; colour: string; dash?: 'dot' }[] = Object.freeze([
  { key: 'intraMeanDeg', name: 'intra: feature ↔ own centre', colour: '#0072B2' },
  { key: 'interMeanDeg', name: 'inter: centre ↔ centre (mean)', colour: '#D55E00' },
  { key: 'interMinDeg', name: 'inter: closest centres', colour: '#D55E00', dash: 'dot' },
  { key: 'positiveMeanDeg', name: 'test positives (mean)', colour: '#009E73' },
  { key: 'negativeMeanDeg', name: 'test negatives (mean)', colour: '#CC79A7' },
  { key: 'negativeMinDeg', name: 'test negatives (min)', colour: '#CC79A7', dash: 'dot' },
]);

/** "Angle statistics": each ANGLE_SERIES over the run's evaluations (NaN values leave gaps). */
export function angleStatsFigure(run: RunRecord | undefined): { data: PlotData[]; layout: PlotLayout } {
  const series = run ? angleStatsSeries(run) : [];
  const steps = series.map((s) => s.step);
  const data: PlotData[] = ANGLE_SERIES.map(({ key, name, colour, dash }) => ({
    x: steps,
    y: series.map((s) => (Number.isFinite(s.stats[key]) ? s.stats[key] : null)) as number[],
    type: 'scatter',
    mode: 'lines+markers',
    name,
    line: { color: colour, width: 2, ...(dash ? { dash } : {}) },
  }));
  const layout: PlotLayout = {
    xaxis: { title: { text: 'step' } },
    yaxis: { title: { text: 'angle (°)' }, range: [0, 180], dtick: 30 },
    legend: { orientation: 'h', y: 1.2 },
    uirevision: 'angle-stats',
  };
  return { data, layout };
}

/** "margin 30° → 60°, lr 0.01": what a live change set, in words. */
export function describeLiveParams(params: LiveParams): string {
  const parts: string[] = [];
  if (params.marginDeg !== undefined) parts.push(`margin ${fmt(params.marginDeg)}°`);
  if (params.cosineMargin !== undefined) parts.push(`cosine margin ${fmt(params.cosineMargin)}`);
  if (params.alpha !== undefined) parts.push(`α ${fmt(params.alpha)}`);
  if (params.lr !== undefined) parts.push(`lr ${params.lr}`);
  return parts.join(', ');
}

/** Vertical lines and labels at a run's live changes, for the loss curve's layout (x axis 'x', full height). */
export function liveChangeMarks(run: RunRecord | undefined): Pick<PlotLayout, 'shapes' | 'annotations'> {
  const changes = run?.liveChanges ?? [];
  return {
    shapes: changes.map((c) => ({ type: 'line', xref: 'x', yref: 'paper', x0: c.step, x1: c.step, y0: 0, y1: 1, line: { color: '#E69F00', width: 2, dash: 'dashdot' } })),
    annotations: changes.map((c) => ({
      x: c.step,
      xref: 'x',
      y: 1,
      yref: 'paper',
      yanchor: 'bottom',
      xanchor: 'left',
      showarrow: false,
      text: `changed: ${describeLiveParams(c.params)}`,
      font: { color: '#E69F00' },
    })),
  };
}
