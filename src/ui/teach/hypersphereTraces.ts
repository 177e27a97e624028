/**
 * The "Hypersphere" figure, after the ArcFace paper's toy figure: held-out embeddings of training
 * identities coloured by identity, each class centre (head row) drawn with the run's angular margin
 * around it. 2-D runs: the unit circle itself, centres as rays, margins as wedges of ±m. 3-D runs: the
 * sphere in Lambert's equal-area projection, one disc per hemisphere (the cartesian Plotly bundle has no
 * 3-D scatter), margins as cap outlines. Higher dimensions: a 2-D PCA projection, labelled as one
 * (angles and margins are not preserved there, so none are drawn). Pure functions.
 */
import { capOutline, lambertHemisphere } from '../../core/projection.ts';
import type { EvalGeometry, LossConfig } from '../../protocol/api.ts';
import type { PlotData, PlotLayout } from '../plot/plotly.ts';
import type { RunRecord } from '../runs/runRecord.ts';

/** Ten distinct identity colours (Tableau 10); more identities reuse them. */
export const IDENTITY_COLOURS = Object.freeze(['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac']);

/** The colour of head row `id`. */
export const identityColour = (id: number): string => IDENTITY_COLOURS[id % IDENTITY_COLOURS.length];

/** Centres of the two hemisphere discs on the page (radius 1 each, a small gap between). */
const DISC_OFFSET = 1.15;

/** The angular margin (degrees) a loss adds to the target angle: ArcFace m, combined m2; 0 otherwise. */
export function angularMarginDeg(loss: LossConfig): number {
  return loss.kind === 'arcface' || loss.kind === 'combined' ? (loss.marginDeg ?? 0) : 0;
}

/** The loss a run trains with now: its config after its live changes. */
export function currentLoss(run: RunRecord): LossConfig {
  return run.liveChanges?.at(-1)?.loss ?? run.config.loss;
}

/** Index lists of the points of each identity, in centre order (identities without a centre come last). */
function pointsByIdentity(g: EvalGeometry): Map<number, number[]> {
  const groups = new Map<number, number[]>(Array.from(g.centreIds, (id) => [id, []]));
  g.identities.forEach((id, i) => {
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push(i);
  });
  return groups;
}

const circle = (cx: number, cy: number, r: number, n = 121) => ({
  x: Array.from({ length: n }, (_, i) => cx + r * Math.cos((2 * Math.PI * i) / (n - 1))),
  y: Array.from({ length: n }, (_, i) => cy + r * Math.sin((2 * Math.PI * i) / (n - 1))),
});

/** A 3-D direction's position on the page: its hemisphere's disc, left (upper) or right (lower). */
function discXY(x: number, y: number, z: number): [number, number] {
  const p = lambertHemisphere(x, y, z);
  return [p.u + (p.hemisphere === 'upper' ? -DISC_OFFSET : DISC_OFFSET), p.v];
}

/** A cap outline split at the equator (null breaks the line where it passes to the other disc). */
function capPath(centre: [number, number, number], marginDeg: number): { x: (number | null)[]; y: (number | null)[] } {
  const ring = capOutline(centre, marginDeg, 72);
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  let side: boolean | undefined;
  for (const p of [...ring, ring[0]]) {
    const upper = p[2] >= 0;
    if (side !== undefined && upper !== side) {
      x.push(null);
      y.push(null);
    }
    side = upper;
    const [u, v] = discXY(...p);
    x.push(u);
    y.push(v);
  }
  return { x, y };
}

/**
 * The figure for one evaluation's geometry, with wedges/caps of `marginDeg` (0: none) around each centre.
 * Traces: margins first (underneath), then centres, then one point trace per identity named "identity N".
 */
export function hypersphereFigure(g: EvalGeometry, marginDeg: number): { data: PlotData[]; layout: PlotLayout } {
  const data: PlotData[] = [];
  const groups = pointsByIdentity(g);
  const d = g.dim;
  const coord = (values: Float32Array, i: number): [number, number] => {
    if (g.space === 'embedding' && d === 3) return discXY(values[3 * i], values[3 * i + 1], values[3 * i + 2]);
    return [values[d * i], values[d * i + 1]];
  };
  const guide = { type: 'scatter', mode: 'lines', hoverinfo: 'skip', showlegend: false, line: { color: '#888888', width: 1 } } as const;
  if (g.space === 'embedding' && d === 2) data.push({ ...circle(0, 0, 1), ...guide, name: 'unit circle' });
  if (g.space === 'embedding' && d === 3) {
    data.push({ ...circle(-DISC_OFFSET, 0, 1), ...guide, name: 'upper hemisphere (z ≥ 0)' });
    data.push({ ...circle(DISC_OFFSET, 0, 1), ...guide, name: 'lower hemisphere (z < 0)' });
  }
  const drawMargins = g.space === 'embedding' && marginDeg > 0;
  g.centreIds.forEach((id, c) => {
    const colour = identityColour(id);
    const group = { legendgroup: `id-${id}`, showlegend: false, hoverinfo: 'skip' } as const;
    if (drawMargins && d === 2) {
      const phi = Math.atan2(g.centres[2 * c + 1], g.centres[2 * c]);
      const m = (Math.min(marginDeg, 180) * Math.PI) / 180;
      const arc = Array.from({ length: 25 }, (_, i) => phi - m + (2 * m * i) / 24);
      data.push({
        x: [0, ...arc.map(Math.cos), 0],
        y: [0, ...arc.map(Math.sin), 0],
        type: 'scatter',
        mode: 'lines',
        fill: 'toself',
        fillcolor: colour,
        opacity: 0.12,
        line: { width: 0 },
        name: `margin ±${marginDeg}° of identity ${id}`,
        ...group,
      });
    }
    if (drawMargins && d === 3) {
      const centre: [number, number, number] = [g.centres[3 * c], g.centres[3 * c + 1], g.centres[3 * c + 2]];
      data.push({
        ...capPath(centre, marginDeg),
        type: 'scatter',
        mode: 'lines',
        line: { color: colour, width: 1.5, dash: 'dot' },
        name: `margin ${marginDeg}° around identity ${id}`,
        ...group,
      });
    }
    const [x, y] = coord(g.centres, c);
    const ray = g.space === 'embedding' && d === 2;
    data.push({
      x: ray ? [0, x] : [x],
      y: ray ? [0, y] : [y],
      type: 'scatter',
      mode: ray ? 'lines+markers' : 'markers',
      name: `centre of identity ${id}`,
      line: { color: colour, width: 2.5 },
      marker: { color: colour, symbol: 'star', size: ray ? [0, 14] : 14, line: { color: '#000000', width: 1 } },
      legendgroup: `id-${id}`,
      showlegend: false,
    });
  });
  for (const [id, indices] of groups) {
    const xy = indices.map((i) => coord(g.points, i));
    data.push({
      x: xy.map((p) => p[0]),
      y: xy.map((p) => p[1]),
      type: 'scatter',
      mode: 'markers',
      name: `identity ${id}`,
      legendgroup: `id-${id}`,
      marker: { color: identityColour(id), size: 6, opacity: 0.8 },
    });
  }
  return { data, layout: hypersphereLayout(g) };
}

function hypersphereLayout(g: EvalGeometry): PlotLayout {
  const hidden = { showgrid: false, zeroline: false, showticklabels: false };
  if (g.space === 'pca') {
    const pct = (i: number) => `${((g.explained?.[i] ?? 0) * 100).toFixed(0)}% of variance`;
    return {
      title: { text: `PCA projection of the ${g.embeddingDim}-d embeddings (not the sphere: angles are not preserved)` },
      xaxis: { title: { text: `PC 1 (${pct(0)})` }, zeroline: false },
      yaxis: { title: { text: `PC 2 (${pct(1)})` }, zeroline: false, scaleanchor: 'x' },
      legend: { orientation: 'v' },
      uirevision: 'hypersphere-pca',
    };
  }
  if (g.dim === 3) {
    return {
      title: { text: 'Unit sphere, equal-area (Lambert) projection: upper hemisphere left, lower right' },
      xaxis: { ...hidden, range: [-2.3, 2.3] },
      yaxis: { ...hidden, range: [-1.15, 1.15], scaleanchor: 'x' },
      uirevision: 'hypersphere-3d',
    };
  }
  return {
    title: { text: 'Unit circle: held-out embeddings, class centres as rays' },
    xaxis: { ...hidden, range: [-1.25, 1.25] },
    yaxis: { ...hidden, range: [-1.25, 1.25], scaleanchor: 'x' },
    uirevision: 'hypersphere-2d',
  };
}
