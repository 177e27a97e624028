import type { PlotLayout } from './plotly.ts';

/** Plot colours that stay readable in the light and the dark colour scheme (SVG attributes cannot use CSS variables). */
export function plotTheme(dark: boolean): PlotLayout {
  const fg = dark ? '#e8eaf0' : '#1b1d22';
  const grid = dark ? '#2c303a' : '#e3e6ee';
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: fg, family: 'system-ui, sans-serif', size: 12 },
    xaxis: { gridcolor: grid, zerolinecolor: grid },
    yaxis: { gridcolor: grid, zerolinecolor: grid },
    legend: { bgcolor: 'rgba(0,0,0,0)' },
    margin: { l: 56, r: 16, t: 32, b: 48 },
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

/** Deep-enough merge for layouts: axis and legend objects merge one level down. */
export function withTheme(layout: PlotLayout, dark: boolean): PlotLayout {
  const theme = plotTheme(dark);
  return {
    ...theme,
    ...layout,
    xaxis: { ...theme.xaxis, ...layout.xaxis },
    yaxis: { ...theme.yaxis, ...layout.yaxis },
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
  return {
    ...layout,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    font: { ...layout.font, ...light.font },
    xaxis: { ...layout.xaxis, ...light.xaxis },
    yaxis: { ...layout.yaxis, ...light.yaxis },
    title: { text: title, x: 0.5, xanchor: 'center', font: { size: 18 } },
    // Room above the plot for the title, over the labels some figures draw there ("EER threshold").
    margin: { ...light.margin, ...layout.margin, t: 72 },
  };
}
