/**
 * Plotly traces and layouts for the lab's figures, built from run records. Pure functions (no React,
 * no Plotly), so the figures' content is unit-tested without a browser.
 */
import { smoothSeries } from '../../core/series.ts';
import type { PlotData, PlotLayout } from '../plot/plotly.ts';
import { withLegendBelow } from '../plot/theme.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import { liveChangeMarks } from '../teach/teachTraces.ts';

/** Colours for overlaid runs (Okabe–Ito, distinguishable with common colour-vision deficiencies). */
export const RUN_COLOURS = Object.freeze(['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8c6d31', '#999999']);

/** The colour of the i-th overlaid run. */
export const runColour = (i: number): string => RUN_COLOURS[i % RUN_COLOURS.length];

/**
 * Colours of the main run's loss parts, none of them a run colour: drawn in its blue with only opacity or dashes
 * between them, raw loss, smoothed loss and cross-entropy could not be told apart, and the intra penalty's green
 * was the third overlaid run's.
 */
export const LOSS_PART_COLOURS = Object.freeze({ raw: '#8a8f98', crossEntropy: '#AA4499', intraPenalty: '#999933' });

/** TensorBoard-like default weight on the past for the smoothed curve. */
export const DEFAULT_SMOOTHING = 0.9;

/**
 * "Loss curve": three stacked panels on one step axis — loss (raw, smoothed, cross-entropy and intra parts),
 * training accuracy (%), and mean θ_y (degrees). The main run is drawn in full; other selected runs add their
 * smoothed loss, accuracy and θ_y as thinner lines so runs can be compared.
 */
export function lossCurveFigure(runs: readonly RunRecord[], smoothing = DEFAULT_SMOOTHING): { data: PlotData[]; layout: PlotLayout } {
  const data: PlotData[] = [];
  runs.forEach((run, i) => {
    const h = run.history;
    const colour = runColour(i);
    const main = i === 0;
    const step = h.step;
    const suffix = runs.length > 1 ? ` · ${run.label}` : '';
    if (main) {
      data.push({ x: step, y: h.loss, name: `loss (raw)${suffix}`, type: 'scatter', mode: 'lines', line: { color: LOSS_PART_COLOURS.raw, width: 1 }, opacity: 0.5 });
    }
    data.push({ x: step, y: smoothSeries(h.loss, smoothing), name: `loss (smoothed)${suffix}`, type: 'scatter', mode: 'lines', line: { color: colour, width: main ? 2.5 : 1.5 } });
    if (main) {
      data.push({ x: step, y: h.crossEntropy, name: 'cross-entropy', type: 'scatter', mode: 'lines', line: { color: LOSS_PART_COLOURS.crossEntropy, width: 1.5, dash: 'dot' } });
      if (run.config.loss.kind === 'intra') {
        data.push({ x: step, y: h.intraPenalty, name: 'intra penalty', type: 'scatter', mode: 'lines', line: { color: LOSS_PART_COLOURS.intraPenalty, width: 1.5 } });
      }
    }
    data.push({
      x: step,
      y: smoothSeries(
        Array.from(h.accuracy, (a) => a * 100),
        smoothing,
      ),
      name: `training accuracy${suffix}`,
      type: 'scatter',
      mode: 'lines',
      line: { color: colour, width: main ? 2 : 1 },
      xaxis: 'x',
      yaxis: 'y2',
      showlegend: main,
    });
    data.push({
      x: step,
      y: smoothSeries(h.thetaDeg, smoothing),
      name: `mean θ_y${suffix}`,
      type: 'scatter',
      mode: 'lines',
      line: { color: colour, width: main ? 2 : 1 },
      xaxis: 'x',
      yaxis: 'y3',
      showlegend: main,
    });
  });
  const layout = withLegendBelow({
    xaxis: { title: { text: 'step' }, anchor: 'y3' },
    yaxis: { title: { text: 'loss' }, domain: [0.56, 1] },
    yaxis2: { title: { text: 'train acc. %' }, domain: [0.29, 0.51], rangemode: 'tozero' },
    yaxis3: { title: { text: 'θ_y (°)' }, domain: [0, 0.24] },
    showlegend: true,
    uirevision: 'loss',
    // Live changes of margin/α/lr of the main run, and the steps it trained twice after an interruption.
    ...mergeMarks(liveChangeMarks(runs[0]), interruptionMarks(runs[0])),
  });
  return { data, layout };
}

type Marks = Pick<PlotLayout, 'shapes' | 'annotations'>;

const mergeMarks = (...marks: Marks[]): Marks => ({ shapes: marks.flatMap((m) => m.shapes ?? []), annotations: marks.flatMap((m) => m.annotations ?? []) });

/** Grey: an interruption is neither a run's colour nor a live change's orange. */
const INTERRUPTION_COLOUR = '#7f7f7f';

/**
 * Where the run was cut off and resumed from a checkpoint: a shaded band over the steps trained twice (the first
 * time's points were lost with the worker or page) and a line where it went on, across the three panels.
 */
export function interruptionMarks(run: RunRecord | undefined): Marks {
  const interruptions = run?.interruptions ?? [];
  return {
    shapes: interruptions.flatMap((c) => [
      ...(c.atStep > c.resumedFrom
        ? [
            {
              type: 'rect' as const,
              xref: 'x' as const,
              yref: 'paper' as const,
              x0: c.resumedFrom,
              x1: c.atStep,
              y0: 0,
              y1: 1,
              fillcolor: INTERRUPTION_COLOUR,
              opacity: 0.15,
              line: { width: 0 },
            },
          ]
        : []),
      {
        type: 'line' as const,
        xref: 'x' as const,
        yref: 'paper' as const,
        x0: c.resumedFrom,
        x1: c.resumedFrom,
        y0: 0,
        y1: 1,
        line: { color: INTERRUPTION_COLOUR, width: 2, dash: 'dot' as const },
      },
    ]),
    annotations: interruptions.map((c) => {
      const lost = c.atStep - c.resumedFrom;
      return {
        x: c.resumedFrom,
        xref: 'x',
        y: 0.52,
        yref: 'paper',
        xanchor: 'left',
        showarrow: false,
        text: `↻ resumed from step ${c.resumedFrom}${lost > 0 ? ` (${lost} steps lost, trained again)` : ''}`,
        hovertext: `${c.reason} at step ${c.atStep}`,
        font: { color: INTERRUPTION_COLOUR },
      };
    }),
  };
}

/** Angle in degrees of a cosine threshold, the unit the histogram uses. */
export const thresholdAngleDeg = (cosine: number): number => (Math.acos(Math.min(1, Math.max(-1, cosine))) * 180) / Math.PI;

/**
 * "Angle histogram": the angles between test-pair embeddings, positives vs negatives, as fractions of each class
 * so both are visible whatever the balance, with the run's EER threshold as a vertical line.
 */
export function angleHistogramFigure(runs: readonly RunRecord[]): { data: PlotData[]; layout: PlotLayout } {
  const data: PlotData[] = [];
  const shapes: NonNullable<PlotLayout['shapes']> = [];
  runs.forEach((run, i) => {
    const evalResult = run.lastEval;
    if (!evalResult) return;
    const { binDeg, positives, negatives } = evalResult.angles;
    const centres = Array.from(positives, (_, b) => (b + 0.5) * binDeg);
    const fraction = (counts: Float32Array) => {
      const total = counts.reduce((s, c) => s + c, 0) || 1;
      return Array.from(counts, (c) => c / total);
    };
    const suffix = runs.length > 1 ? ` · ${run.label}` : '';
    const colour = runColour(i);
    data.push({ x: centres, y: fraction(positives), name: `same person${suffix}`, type: 'bar', marker: { color: colour }, opacity: 0.65 });
    data.push({ x: centres, y: fraction(negatives), name: `different people${suffix}`, type: 'bar', marker: { color: colour, pattern: { shape: '/' } }, opacity: 0.4 });
    const angle = thresholdAngleDeg(evalResult.metrics.eerThreshold);
    shapes.push({ type: 'line', x0: angle, x1: angle, yref: 'paper', y0: 0, y1: 1, line: { color: colour, dash: 'dash', width: 2 } });
  });
  const layout = withLegendBelow({
    barmode: 'overlay',
    bargap: 0,
    xaxis: { title: { text: 'angle between the pair’s embeddings (°)' }, range: [0, 180] },
    yaxis: { title: { text: 'fraction of pairs' } },
    shapes,
    annotations: shapes.length ? [{ x: shapes[0].x0 as number, y: 1, yref: 'paper', text: 'EER threshold', showarrow: false, xanchor: 'left', yanchor: 'bottom' }] : [],
    uirevision: 'angles',
  });
  return { data, layout };
}

/** "ROC curve": TPR against FPR, one trace per run with its AUC in the legend; optionally log-scale FPR. */
export function rocFigure(runs: readonly RunRecord[], logFpr: boolean): { data: PlotData[]; layout: PlotLayout } {
  const data: PlotData[] = [];
  runs.forEach((run, i) => {
    const evalResult = run.lastEval;
    if (!evalResult) return;
    let { fpr, tpr } = evalResult.roc;
    if (logFpr) {
      // log axes cannot show FPR = 0: start at the first point with a false accept.
      const first = fpr.findIndex((v) => v > 0);
      fpr = first < 0 ? new Float32Array(0) : fpr.subarray(first);
      tpr = first < 0 ? new Float32Array(0) : tpr.subarray(first);
    }
    data.push({
      x: fpr,
      y: tpr,
      type: 'scatter',
      mode: 'lines',
      line: { color: runColour(i), width: 2, shape: 'hv' },
      name: `${run.label} (AUC ${evalResult.metrics.auc.toFixed(4)})`,
    });
  });
  if (!logFpr) data.push({ x: [0, 1], y: [0, 1], type: 'scatter', mode: 'lines', line: { color: '#999999', dash: 'dot', width: 1 }, name: 'chance', hoverinfo: 'skip' });
  const layout: PlotLayout = {
    xaxis: logFpr ? { title: { text: 'false accept rate (log)' }, type: 'log', exponentformat: 'power' } : { title: { text: 'false accept rate' }, range: [0, 1] },
    yaxis: { title: { text: 'true accept rate' }, range: [0, 1.02] },
    legend: { x: 1, xanchor: 'right', y: 0, yanchor: 'bottom' },
    uirevision: logFpr ? 'roc-log' : 'roc',
  };
  return { data, layout };
}
