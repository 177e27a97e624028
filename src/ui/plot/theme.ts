import type { PlotData, PlotLayout } from './plotly.ts';

/** Font size of the figures' text (ticks, legends, labels) on the page and in presentation mode. */
export const PLOT_FONT_PX = Object.freeze({ page: 12, presentation: 18 });

/**
 * Plot colours that stay readable in the light and the dark colour scheme (SVG attributes cannot use CSS variables).
 * In presentation mode (`presentation`): larger type, pure black or white text and stronger grid lines, for a
 * projector seen from the back of a room.
 */
export function plotTheme(dark: boolean, presentation = false): PlotLayout {
  const fg = presentation ? (dark ? '#ffffff' : '#000000') : dark ? '#e8eaf0' : '#1b1d22';
  const grid = presentation ? (dark ? '#4a505e' : '#c4c9d4') : dark ? '#2c303a' : '#e3e6ee';
  const axis = presentation ? { gridcolor: grid, zerolinecolor: grid, gridwidth: 1.5, linewidth: 2 } : { gridcolor: grid, zerolinecolor: grid };
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: fg, family: 'system-ui, sans-serif', size: presentation ? PLOT_FONT_PX.presentation : PLOT_FONT_PX.page },
    xaxis: axis,
    yaxis: axis,
    legend: { bgcolor: 'rgba(0,0,0,0)' },
    margin: presentation ? { l: 72, r: 20, t: 40, b: 60 } : { l: 56, r: 16, t: 32, b: 48 },
  };
}

/** How much thicker lines and larger markers are drawn in presentation mode. */
export const PRESENTATION_LINE_FACTOR = 2;
/** The thinnest line in presentation mode, px. */
const PRESENTATION_MIN_LINE_PX = 3;

const thicker = (width: number | undefined, fallback: number) => Math.max(PRESENTATION_MIN_LINE_PX, (width ?? fallback) * PRESENTATION_LINE_FACTOR);

/**
 * Traces for presentation mode: every line drawn at least PRESENTATION_MIN_LINE_PX and twice as thick as on the
 * page, scatter markers half as large again. Copies: the given traces are left as they are.
 */
export function presentationData(data: readonly PlotData[]): PlotData[] {
  return data.map((trace) => {
    const out: PlotData = { ...trace };
    const mode = String(trace.mode ?? '');
    if (trace.line || mode.includes('lines')) out.line = { ...trace.line, width: thicker(trace.line?.width, 2) };
    const size = trace.marker?.size;
    if (trace.marker && (trace.type === 'scatter' || trace.type === undefined) && size !== undefined) {
      out.marker = { ...trace.marker, size: Array.isArray(size) ? size.map((s: number) => s * 1.5) : (size as number) * 1.5 };
    }
    return out;
  });
}

/** `layout` for presentation mode: its drawn lines (thresholds, markers of live changes) thicker too. */
export function presentationLayout(layout: PlotLayout): PlotLayout {
  if (!layout.shapes) return layout;
  return {
    ...layout,
    shapes: layout.shapes.map((shape) => (shape.line && (shape.line.width ?? 1) > 0 ? { ...shape, line: { ...shape.line, width: thicker(shape.line.width, 1) } } : shape)),
  };
}

/**
 * `layout` with a horizontal legend under the whole figure. Placed against the container rather than the plot,
 * Plotly reserves room for it and shrinks the plot: a legend above the plot grew down over the data as runs were
 * added (five runs' ten histogram entries hid the bars) and collided with labels drawn above the plot ("EER
 * threshold"). The x axis needs automargin, or its tick labels and title are drawn over the reserved room.
 */
export function withLegendBelow(layout: PlotLayout): PlotLayout {
  return {
    ...layout,
    legend: { ...layout.legend, orientation: 'h', xref: 'paper', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom' },
    xaxis: { ...layout.xaxis, automargin: true },
  };
}

/** The axis keys of a layout (`xaxis`, `yaxis2`, …), the first x and y axes always among them. */
const axisKeys = (layout: PlotLayout) => [...new Set(['xaxis', 'yaxis', ...Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key))])];

/**
 * Deep-enough merge for layouts: font, legend and every axis (second and third y axes too, whose grid would
 * otherwise keep Plotly's light grey on a dark page) merge one level down.
 */
export function withTheme(layout: PlotLayout, dark: boolean, presentation = false): PlotLayout {
  const theme = plotTheme(dark, presentation);
  const own = presentation ? presentationLayout(layout) : layout;
  const axes = Object.fromEntries(axisKeys(layout).map((key) => [key, { ...theme.xaxis, ...(own as Record<string, object | undefined>)[key] }]));
  return {
    ...theme,
    ...own,
    font: { ...theme.font, ...layout.font, ...(presentation ? { size: theme.font?.size } : {}) },
    ...axes,
    legend: { ...theme.legend, ...layout.legend },
  };
}

/**
 * The layout of an exported image: the figure's name as its title (on the page the title is HTML, outside the plot,
 * so a saved image had none), on white in the light scheme's colours whatever the page uses (a transparent image
 * with the dark scheme's light text is unreadable in most viewers). `layout` may already carry the dark theme.
 */
export function exportLayout(layout: PlotLayout, title: string): PlotLayout {
  const light = plotTheme(false);
  const axes = Object.fromEntries(axisKeys(layout).map((key) => [key, { ...(layout as Record<string, object | undefined>)[key], ...light.xaxis }]));
  return {
    ...layout,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    font: { ...layout.font, ...light.font },
    ...axes,
    title: { text: title, x: 0.5, xanchor: 'center', font: { size: 18 } },
    // Room above the plot for the title, over the labels some figures draw there ("EER threshold").
    margin: { ...light.margin, ...layout.margin, t: 72 },
  };
}
