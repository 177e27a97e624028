import { useMemo, useState } from 'react';
import { PlotlyFigure } from '../plot/PlotlyFigure.tsx';
import type { PlotData } from '../plot/plotly.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import { angleHistogramFigure, lossCurveFigure, rocFigure } from './traces.ts';

const evalIds = new WeakMap<object, number>();
let nextEvalId = 1;

/**
 * A key that changes only when what the ROC curve and the histogram draw changes: the runs' latest evaluations
 * (by identity) and labels. Live step updates of the same runs keep the key, so those figures are not redrawn.
 */
function evaluationsKey(runs: readonly RunRecord[]): string {
  return runs
    .map((r) => {
      if (!r.lastEval) return `${r.id}:-`;
      if (!evalIds.has(r.lastEval)) evalIds.set(r.lastEval, nextEvalId++);
      return `${r.id}:${evalIds.get(r.lastEval)}:${r.label}`;
    })
    .join('|');
}

/** Height of one row of legend entries at the theme's 12 px font. */
const LEGEND_ROW_PX = 20;

/**
 * Height of a figure whose legend sits under the plot (theme.ts withLegendBelow): `plot` for the plot, axes and
 * one legend row, and a row more per two further entries, so overlaying runs grows the figure, not shrinks the plot.
 */
function heightWithLegend(plot: number, data: readonly PlotData[]): number {
  const entries = data.filter((trace) => trace.showlegend !== false).length;
  return plot + LEGEND_ROW_PX * Math.max(0, Math.ceil(entries / 2) - 1);
}

/** Props shared by the figures: the runs to draw, the main one first. */
export interface RunsFigureProps {
  runs: readonly RunRecord[];
  /**
   * Accessible name and export file name, when the page shows a second copy of the figure (e.g. the report
   * sweep's): two figures of one name could not be told apart by a screen reader or a test.
   */
  name?: string;
}

/** Props of the loss curve: the figures' props and the plot's height (before its legend's rows). */
export interface LossCurveProps extends RunsFigureProps {
  height?: number;
}

/** "Loss curve" of the main run, with the other selected runs overlaid. */
export function LossCurve({ runs, name = 'Loss curve', height = 420 }: LossCurveProps) {
  const [smoothing, setSmoothing] = useState(0.9);
  const figure = useMemo(() => lossCurveFigure(runs, smoothing), [runs, smoothing]);
  const main = runs[0];
  const last = main && main.history.step.length > 0 ? main.history.step.length - 1 : -1;
  const summary =
    main && last >= 0
      ? `${main.label}: step ${main.history.step[last]}, loss ${main.history.loss[last].toFixed(3)}, training accuracy ${(main.history.accuracy[last] * 100).toFixed(1)}%`
      : 'No training steps yet.';
  return (
    <div className="figure-block">
      <PlotlyFigure name={name} data={figure.data} layout={figure.layout} summary={summary} height={heightWithLegend(height, figure.data)} />
      <label className="inline-control">
        Smoothing {smoothing.toFixed(2)}
        <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
      </label>
    </div>
  );
}

/** "Angle histogram" of test-pair angles, positives vs negatives, with the EER threshold. */
export function AngleHistogram({ runs, name = 'Angle histogram' }: RunsFigureProps) {
  const key = evaluationsKey(runs);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` captures everything of `runs` this figure draws.
  const figure = useMemo(() => angleHistogramFigure(runs), [key]);
  const evaluated = runs.filter((r) => r.lastEval);
  const summary = evaluated.length ? `Pair angles of ${evaluated.map((r) => r.label).join(', ')} at their latest evaluation.` : 'No evaluation yet.';
  return <PlotlyFigure name={name} data={figure.data} layout={figure.layout} summary={summary} height={heightWithLegend(320, figure.data)} />;
}

/** "ROC curve": one trace per run, AUC in the legend, optional log-scale FPR. */
export function RocCurve({ runs, name = 'ROC curve' }: RunsFigureProps) {
  const [logFpr, setLogFpr] = useState(false);
  const key = evaluationsKey(runs);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` captures everything of `runs` this figure draws.
  const figure = useMemo(() => rocFigure(runs, logFpr), [key, logFpr]);
  const evaluated = runs.filter((r) => r.lastEval);
  const summary = evaluated.length ? evaluated.map((r) => `${r.label}: AUC ${r.lastEval!.metrics.auc.toFixed(4)}`).join('; ') : 'No evaluation yet.';
  return (
    <div className="figure-block">
      <PlotlyFigure name={name} data={figure.data} layout={figure.layout} summary={summary} />
      <label className="inline-control">
        <input type="checkbox" checked={logFpr} onChange={(e) => setLogFpr(e.target.checked)} /> Log-scale false accept rate
      </label>
    </div>
  );
}
