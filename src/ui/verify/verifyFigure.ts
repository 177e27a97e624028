/**
 * The verify panel's figure: the chosen model's pair-angle histogram (the same figure as the lab's
 * "Angle histogram", src/ui/panels/traces.ts) with the threshold in use and the dropped pair's angle
 * marked on it. Pure, so its content is unit-tested without Plotly.
 */
import { DEFAULT_TRAIN_CONFIG } from '../../core/trainConfig.ts';
import type { ModelEvaluation, ModelRunInfo } from '../../protocol/models.ts';
import type { PlotData, PlotLayout } from '../plot/plotly.ts';
import { angleHistogramFigure } from '../panels/traces.ts';
import { newRunRecord } from '../runs/applyEvent.ts';

/** Colour of the pair's marker (distinct from the run colours' blue). */
export const PAIR_MARKER_COLOUR = '#D55E00';

/** The model whose histogram is drawn: a lab model's run info, or any model with an evaluation (the reference's baseline). */
export type HistogramModel = Pick<ModelRunInfo, 'runId' | 'label'> & { evaluation: ModelEvaluation | null } & Partial<Pick<ModelRunInfo, 'config' | 'dataLabel' | 'savedAt'>>;

/**
 * The histogram of `info`'s latest evaluation, with a dashed line at `thresholdAngleDeg` and a solid
 * one at the pair's `pairAngleDeg` (when a pair has been verified). Empty data when the model kept no
 * histogram (a restored checkpoint).
 */
export function markedHistogramFigure(info: HistogramModel, thresholdAngleDeg: number, pairAngleDeg?: number): { data: PlotData[]; layout: PlotLayout } {
  const evaluation = info.evaluation;
  if (!evaluation?.angles) return { data: [], layout: { xaxis: { range: [0, 180] } } };
  // The record only carries the histogram into the lab's figure: a model without a config (the reference) gets the default one.
  const run = {
    ...newRunRecord({
      id: info.runId,
      label: info.label,
      config: info.config ?? DEFAULT_TRAIN_CONFIG,
      dataLabel: info.dataLabel ?? '',
      backend: 'cpu',
      startedAt: info.savedAt ?? '',
    }),
    lastEval: {
      step: evaluation.step,
      metrics: evaluation.metrics,
      roc: { fpr: new Float32Array(0), tpr: new Float32Array(0), thresholds: new Float32Array(0) },
      angles: { binDeg: evaluation.angles.binDeg, positives: Float32Array.from(evaluation.angles.positives), negatives: Float32Array.from(evaluation.angles.negatives) },
    },
  };
  const { data, layout } = angleHistogramFigure([run]);
  const line = (x: number, colour: string, dash: 'dash' | 'solid') => ({
    type: 'line' as const,
    x0: x,
    x1: x,
    yref: 'paper' as const,
    y0: 0,
    y1: 1,
    line: { color: colour, dash, width: 2 },
  });
  const shapes: NonNullable<PlotLayout['shapes']> = [line(thresholdAngleDeg, '#0072B2', 'dash')];
  const annotations: NonNullable<PlotLayout['annotations']> = [
    { x: thresholdAngleDeg, y: 1, yref: 'paper', text: 'threshold', showarrow: false, xanchor: 'right', yanchor: 'bottom' },
  ];
  if (pairAngleDeg !== undefined) {
    shapes.push(line(pairAngleDeg, PAIR_MARKER_COLOUR, 'solid'));
    annotations.push({
      x: pairAngleDeg,
      y: 0.92,
      yref: 'paper',
      text: `this pair ${pairAngleDeg.toFixed(1)}°`,
      showarrow: false,
      xanchor: 'left',
      font: { color: PAIR_MARKER_COLOUR },
    });
  }
  return { data, layout: { ...layout, shapes, annotations, uirevision: 'verify-angles' } };
}
