/**
 * The teaching figures as React components: "Target logit", "Hypersphere" and "Angle statistics" (figure
 * and table). Each redraws only when what it draws changes (the loss, or the run's latest evaluation).
 */
import { useMemo } from 'react';
import type { LossConfig } from '../../protocol/api.ts';
import { PlotlyFigure } from '../plot/PlotlyFigure.tsx';
import type { RunRecord } from '../runs/runRecord.ts';
import { angularMarginDeg, currentLoss, hypersphereFigure } from './hypersphereTraces.ts';
import { ANGLE_SERIES, angleStatsFigure, formatDegrees, latestAngleStats, targetLogitFigure, targetLogitFormula, winningAngleDeg } from './teachTraces.ts';

/** Props of "Target logit". */
export interface TargetLogitFigureProps {
  /** The loss to draw (e.g. the config panel's, so the curve follows its inputs, or the live run's). */
  loss: LossConfig;
  /** A run whose latest evaluation's θ_y histogram is drawn under the curve. */
  run?: RunRecord;
}

/** "Target logit": the true-class logit against θ for `loss`, with the run's θ_y histogram. */
export function TargetLogitFigure({ loss, run }: TargetLogitFigureProps) {
  const thetaY = run?.lastEval?.geometry?.thetaY;
  const figure = useMemo(() => targetLogitFigure(loss, thetaY), [loss, thetaY]);
  const wins = winningAngleDeg(loss);
  const summary =
    `Target logit ${targetLogitFormula(loss)}: it beats a class at 90° only for θ below ${wins.toFixed(0)}°` +
    (thetaY ? `; grey bars: θ_y of held-out images of ${run?.label} at step ${run?.lastEval?.step}.` : '.');
  return <PlotlyFigure name="Target logit" data={figure.data} layout={figure.layout} summary={summary} />;
}

/** Props of "Hypersphere". */
export interface HypersphereFigureProps {
  /** The run whose latest evaluation is drawn (toy 2-D/3-D runs on the sphere, others as a PCA projection). */
  run?: RunRecord;
}

/** "Hypersphere": held-out embeddings by identity, class centres and the margin around them. */
export function HypersphereFigure({ run }: HypersphereFigureProps) {
  const geometry = run?.lastEval?.geometry;
  const marginDeg = run ? angularMarginDeg(currentLoss(run)) : 0;
  const figure = useMemo(() => (geometry ? hypersphereFigure(geometry, marginDeg) : undefined), [geometry, marginDeg]);
  if (!run || !geometry || !figure) {
    return (
      <figure className="plot" aria-label="Hypersphere">
        <figcaption>
          <span className="plot-title">Hypersphere</span>
        </figcaption>
        <p className="help">No geometry yet: it appears at the first evaluation of a run on the built-in faces (Toy runs show the sphere itself).</p>
      </figure>
    );
  }
  const where = geometry.space === 'pca' ? `a PCA projection of the ${geometry.embeddingDim}-d embeddings` : `the unit ${geometry.dim === 2 ? 'circle' : 'sphere'}`;
  const summary =
    `${run.label} at step ${run.lastEval?.step}: ${geometry.identities.length} held-out images of ${geometry.centreIds.length} identities on ${where}` +
    (marginDeg > 0 && geometry.space === 'embedding' ? `, margin ${marginDeg}° drawn around each class centre.` : '.');
  return <PlotlyFigure name="Hypersphere" data={figure.data} layout={figure.layout} summary={summary} height={geometry.dim === 3 && geometry.space === 'embedding' ? 380 : 460} />;
}

/** Props of "Angle statistics". */
export interface AngleStatsPanelProps {
  /** Runs to compare in the table (latest evaluation of each); the first one's history is plotted. */
  runs: readonly RunRecord[];
}

/** "Angle statistics": the ArcFace paper's table for each run, and the first run's angles over time. */
export function AngleStatsPanel({ runs }: AngleStatsPanelProps) {
  const main = runs[0];
  const evals = main?.evals;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the figure draws only the main run's evaluations.
  const figure = useMemo(() => angleStatsFigure(main), [evals]);
  const rows = runs.map((run) => ({ run, stats: latestAngleStats(run) }));
  return (
    <div className="figure-block">
      <PlotlyFigure name="Angle statistics" data={figure.data} layout={figure.layout} summary={main ? `Angle statistics of ${main.label} over its evaluations.` : 'No run yet.'} />
      <table className="angle-stats-table">
        <caption>Angles at each run’s latest evaluation (degrees): intra = held-out feature to its class centre, inter = between class centres.</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            {ANGLE_SERIES.map((s) => (
              <th key={s.key} scope="col" className="numeric">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ run, stats }) => (
            <tr key={run.id}>
              <th scope="row">
                {run.label}
                {run.changedMidRun ? ' (changed mid-run)' : ''}
              </th>
              {ANGLE_SERIES.map((s) => (
                <td key={s.key} className="numeric">
                  {formatDegrees(stats?.[s.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
