import { useEffect, useMemo, useRef, useState } from 'react';
import { emptyLayout, hasPoints } from './emptyFigure.ts';
import { loadPlotly, type PlotConfig, type PlotData, type PlotLayout, type PlotlyApi } from './plotly.ts';
import { exportLayout, withTheme } from './theme.ts';
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
 */
export function PlotlyFigure({ name, data, layout, summary, height = 320 }: PlotlyFigureProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [plotly, setPlotly] = useState<PlotlyApi>();
  const [loadError, setLoadError] = useState<string>();
  const dark = usePrefersDark();
  // What is drawn, on the page and in exports: the given layout, or with no points yet fixed axes and the summary.
  const shown = useMemo(() => (hasPoints(data) ? layout : emptyLayout(layout ?? {}, summary)), [data, layout, summary]);

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
    if (!plotly || !plotRef.current) return;
    void plotly.react(plotRef.current, data, withTheme({ height, ...shown }, dark), CONFIG);
  }, [plotly, data, shown, dark, height]);

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
    const drawn = structuredClone({ data: node.data ?? data, layout: node.layout ?? withTheme({ ...shown }, dark) });
    const figure = { data: drawn.data, layout: exportLayout(drawn.layout, name), config: CONFIG };
    void plotly.downloadImage(figure, { format, filename: fileName, width: 900, height: 540 });
  };

  return (
    <figure className="plot" aria-label={name}>
      <figcaption>
        <span className="plot-title">{name}</span>
        <span className="plot-actions">
          <button type="button" onClick={() => exportAs('png')} disabled={!plotly} aria-label={`Export ${name} as PNG`}>PNG</button>
          <button type="button" onClick={() => exportAs('svg')} disabled={!plotly} aria-label={`Export ${name} as SVG`}>SVG</button>
        </span>
      </figcaption>
      {loadError && <p className="error">Could not load the plotting library: {loadError}</p>}
      <div ref={plotRef} className="plot-area" style={{ minHeight: height }} data-testid={`plot-${fileName}`} />
      {summary && <p className="visually-hidden">{summary}</p>}
    </figure>
  );
}
