import { useMemo, useState } from 'react';
import { PlotlyFigure } from '../plot/PlotlyFigure.tsx';
import type { RunRecord } from '../runs/runRecord.ts';
import { angleHistogramFigure, lossCurveFigure, rocFigure } from './traces.ts';

/** Props shared by the figures: the runs to draw, the main one first. */
export interface RunsFigureProps {
  runs: readonly RunRecord[];
}

/** "Loss curve" of the main run, with the other selected runs overlaid. */
export function LossCurve({ runs }: RunsFigureProps) {
  const [smoothing, setSmoothing] = useState(0.9);
  const figure = useMemo(() => lossCurveFigure(runs, smoothing), [runs, smoothing]);
  const main = runs[0];
  const last = main && main.history.step.length > 0 ? main.history.step.length - 1 : -1;
  const summary = main && last >= 0
    ? `${main.label}: step ${main.history.step[last]}, loss ${main.history.loss[last].toFixed(3)}, training accuracy ${(main.history.accuracy[last] * 100).toFixed(1)}%`
    : 'No training steps yet.';
  return (
    <div className="figure-block">
      <PlotlyFigure name="Loss curve" data={figure.data} layout={figure.layout} summary={summary} height={420} />
      <label className="inline-control">
        Smoothing {smoothing.toFixed(2)}
        <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
      </label>
    </div>
  );
}

/** "Angle histogram" of test-pair angles, positives vs negatives, with the EER threshold. */
export function AngleHistogram({ runs }: RunsFigureProps) {
  const figure = useMemo(() => angleHistogramFigure(runs), [runs]);
  const evaluated = runs.filter((r) => r.lastEval);
  const summary = evaluated.length ? `Pair angles of ${evaluated.map((r) => r.label).join(', ')} at their latest evaluation.` : 'No evaluation yet.';
  return <PlotlyFigure name="Angle histogram" data={figure.data} layout={figure.layout} summary={summary} />;
}

/** "ROC curve": one trace per run, AUC in the legend, optional log-scale FPR. */
export function RocCurve({ runs }: RunsFigureProps) {
  const [logFpr, setLogFpr] = useState(false);
  const figure = useMemo(() => rocFigure(runs, logFpr), [runs, logFpr]);
  const evaluated = runs.filter((r) => r.lastEval);
  const summary = evaluated.length ? evaluated.map((r) => `${r.label}: AUC ${r.lastEval!.metrics.auc.toFixed(4)}`).join('; ') : 'No evaluation yet.';
  return (
    <div className="figure-block">
      <PlotlyFigure name="ROC curve" data={figure.data} layout={figure.layout} summary={summary} />
      <label className="inline-control">
        <input type="checkbox" checked={logFpr} onChange={(e) => setLogFpr(e.target.checked)} /> Log-scale false accept rate
      </label>
    </div>
  );
}
