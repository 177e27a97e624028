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
