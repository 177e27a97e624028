import { useContext, useEffect, useMemo, useRef, useState } from 'react';
import { emptyLayout, hasPoints } from './emptyFigure.ts';
import { PresentationContext, ViewVisibleContext } from './figureContext.ts';
import { loadPlotly, type PlotConfig, type PlotData, type PlotLayout, type PlotlyApi } from './plotly.ts';
import { exportLayout, presentationData, withTheme } from './theme.ts';
import { usePrefersDark } from './usePrefersDark.ts';

/** Props of a Plotly figure: give new `data`/`layout` objects to redraw (Plotly.react diffs them). */
export interface PlotlyFigureProps {
  /** Accessible name of the figure, also used as the export file name ("Loss curve", "ROC curve", …). */
  name: string;
  data: PlotData[];
  layout?: PlotLayout;
  /** One sentence for screen readers on what the figure shows now; also written across the plot while it is empty. */
  summary?: string;
  height?: number;
}

/** What Plotly keeps on a plotted div: the traces and layout as last drawn, with the user's zoom and legend clicks. */
interface DrawnFigure {
  data: PlotData[];
  layout: PlotLayout;
}

const CONFIG: PlotConfig = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['toImage', 'lasso2d', 'select2d'] };

/**
 * The one Plotly wrapper: a figure with an accessible name, redrawn with Plotly.react only when its data or
 * layout object changes, with PNG/SVG export through Plotly's own image export.
 *
 * In a view that is hidden (ViewVisibleContext) it does not draw: the latest data are drawn when the view is shown,
 * so live updates cost nothing off screen. Its size follows its container (a view shown, the settings panel opened,
 * presentation mode): Plotly's own resize handler hears only the window. In presentation mode
 * (PresentationContext) lines are thicker, type larger, and the figure takes the height its view's CSS gives it
 * (`--figure-fill-height`) instead of `height`.
 */
export function PlotlyFigure({ name, data, layout, summary, height = 320 }: PlotlyFigureProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [plotly, setPlotly] = useState<PlotlyApi>();
  const [loadError, setLoadError] = useState<string>();
  const dark = usePrefersDark();
  const visible = useContext(ViewVisibleContext);
  const presentation = useContext(PresentationContext);
  // What is drawn, on the page and in exports: the given layout, or with no points yet fixed axes and the summary.
  const shown = useMemo(() => (hasPoints(data) ? layout : emptyLayout(layout ?? {}, summary)), [data, layout, summary]);
  const drawnData = useMemo(() => (presentation ? presentationData(data) : data), [data, presentation]);

  useEffect(() => {
    let live = true;
    loadPlotly().then(
      (api) => live && setPlotly(() => api),
      (err: unknown) => live && setLoadError(String(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!plotly || !plotRef.current || !visible) return;
    // In presentation mode the layout has no height: Plotly then takes the container's, which the CSS sets.
    const sized = presentation ? { ...shown, height: undefined, autosize: true } : { height, ...shown };
    void plotly.react(plotRef.current, drawnData, withTheme(sized, dark, presentation), CONFIG);
  }, [plotly, drawnData, shown, dark, height, visible, presentation]);

  // Redraw at the container's new size when it changes without the window (a view shown, a panel opened).
  useEffect(() => {
    const node = plotRef.current;
    if (!plotly || !node || typeof ResizeObserver === 'undefined') return;
    let last = '';
    const observer = new ResizeObserver(([entry]) => {
      const { width, height: h } = entry.contentRect;
      const size = `${Math.round(width)}x${Math.round(h)}`;
      if (width === 0 || size === last) return;
      last = size;
      // Not drawn yet (a hidden view): the draw effect sizes it. Plotly refuses to resize a hidden plot.
      if ((node as Partial<DrawnFigure>).layout) void Promise.resolve(plotly.Plots?.resize(node)).catch(() => undefined);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [plotly]);

  useEffect(() => {
    const node = plotRef.current;
    return () => {
      if (node && plotly) plotly.purge(node);
    };
  }, [plotly]);

  const fileName = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const exportAs = (format: 'png' | 'svg') => {
    const node = plotRef.current as (HTMLDivElement & Partial<DrawnFigure>) | null;
    if (!plotly || !node) return;
    // The plot as the user left it (zoom, traces hidden from the legend), which Plotly keeps on its div, redrawn
    // elsewhere with a title and light colours; copies, because Plotly writes into the figures it draws.
    const drawn = structuredClone({ data: node.data ?? drawnData, layout: node.layout ?? withTheme({ ...shown }, dark, presentation) });
    const figure = { data: drawn.data, layout: exportLayout(drawn.layout, name), config: CONFIG };
    void plotly.downloadImage(figure, { format, filename: fileName, width: 900, height: 540 });
  };

  return (
    <figure className="plot" aria-label={name}>
      <figcaption>
        <span className="plot-title">{name}</span>
        <span className="plot-actions">
          <button type="button" onClick={() => exportAs('png')} disabled={!plotly} aria-label={`Export ${name} as PNG`}>
            PNG
          </button>
          <button type="button" onClick={() => exportAs('svg')} disabled={!plotly} aria-label={`Export ${name} as SVG`}>
            SVG
          </button>
        </span>
      </figcaption>
      {loadError && <p className="error">Could not load the plotting library: {loadError}</p>}
      <div
        ref={plotRef}
        className={presentation ? 'plot-area plot-area--fill' : 'plot-area'}
        style={presentation ? undefined : { minHeight: height }}
        data-testid={`plot-${fileName}`}
      />
      {summary && <p className="visually-hidden">{summary}</p>}
    </figure>
  );
}
