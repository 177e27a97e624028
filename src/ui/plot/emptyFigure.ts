/**
 * What a figure shows before it has anything to draw. With no points Plotly autoranges every axis to its
 * default −1…6 (a loss curve "from step −1 to 6" before training starts); here each axis gets a fixed range
 * instead, and the figure says in words why it is empty.
 */
import type { PlotData, PlotLayout } from './plotly.ts';

type Axis = NonNullable<PlotLayout['xaxis']>;

/** True when at least one trace has an x or y value to draw. */
export function hasPoints(data: readonly PlotData[]): boolean {
  return data.some((trace) => (trace.x?.length ?? 0) > 0 || (trace.y?.length ?? 0) > 0);
}

/** The axis names a layout uses (`xaxis`, `yaxis2`, …), always including the first x and y axes. */
function axisKeys(layout: PlotLayout): string[] {
  return [...new Set(['xaxis', 'yaxis', ...Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key))])];
}

/**
 * `layout` for a figure with no points: axes that set their own range keep it and their tick labels (the histogram's
 * 0–180°, the ROC curve's 0–1); the others show 0–1 (10⁻³–1 on a log axis) without tick labels, which would mean
 * nothing. `message`, when given, is written across the middle of the plot.
 */
export function emptyLayout(layout: PlotLayout, message?: string): PlotLayout {
  const empty: Record<string, unknown> = { ...layout };
  for (const key of axisKeys(layout)) {
    const axis = (layout as Record<string, Axis | undefined>)[key] ?? {};
    if (axis.range) {
      empty[key] = { ...axis, autorange: false };
      continue;
    }
    empty[key] = { ...axis, autorange: false, range: axis.type === 'log' ? [-3, 0] : [0, 1], showticklabels: false };
  }
  if (message) {
    empty.annotations = [...(layout.annotations ?? []), { text: message, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, font: { size: 14 } }];
  }
  return empty as PlotLayout;
}
