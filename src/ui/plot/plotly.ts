/**
 * The only module that loads Plotly. It is loaded lazily, once, so the app shell paints before the
 * 1.5 MB chart bundle arrives, and tests can replace this module with a mock.
 */
import type * as PlotlyTypes from 'plotly.js';

/** What the lab uses of Plotly; `Plots` (resize) is optional so that test doubles may leave it out. */
export type PlotlyApi = Pick<typeof PlotlyTypes, 'react' | 'purge' | 'downloadImage' | 'toImage'> & Partial<Pick<typeof PlotlyTypes, 'Plots'>>;
export type PlotData = Partial<PlotlyTypes.PlotData>;
export type PlotLayout = Partial<PlotlyTypes.Layout>;
export type PlotConfig = Partial<PlotlyTypes.Config>;

let loading: Promise<PlotlyApi> | undefined;

/** Plotly's partial (cartesian) bundle, loaded on first use. */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('plotly.js-cartesian-dist-min').then((m) => ((m as { default?: PlotlyApi }).default ?? m) as PlotlyApi);
  return loading;
}
