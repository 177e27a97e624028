/**
 * Drawing embeddings in the plane: principal components of high-dimensional points (a linear
 * projection, labelled as such wherever it is drawn) and Lambert's azimuthal equal-area projection of
 * the unit sphere for 3-D toy embeddings, drawn as two discs (upper and lower hemisphere) so that no
 * region is torn apart and equal areas on the sphere stay equal on the page.
 */

/** Principal axes of a point cloud. */
export interface PcaBasis {
  /** Mean of the rows, length D. */
  mean: Float64Array;
  /** Unit principal directions, largest variance first, each of length D. */
  components: Float64Array[];
  /** Variance of the rows along each component. */
  variances: number[];
  /** Fraction of the total variance each component explains (0 when the points do not vary). */
  explained: number[];
}

/** Power-iteration rounds per component: ample for the 2–3 leading components of a few hundred points. */
const PCA_ITERATIONS = 200;

/**
 * The `count` leading principal components of the rows of `rows` ([n, dim] row-major), by power
 * iteration on XᵀX with deflation (X = the centred rows), never forming the D×D covariance. The start
 * vector is fixed, so the result is deterministic; each component's sign is chosen so that its largest
 * coordinate is positive, so that the same data always projects the same way up.
 */
export function pcaBasis(rows: ArrayLike<number>, dim: number, count = 2): PcaBasis {
  if (!Number.isInteger(dim) || dim < 1 || rows.length % dim !== 0) throw new Error(`pcaBasis: ${rows.length} values are not rows of dim ${dim}`);
  const n = rows.length / dim;
  if (!Number.isInteger(count) || count < 1 || count > dim) throw new Error(`pcaBasis: count must be an integer in [1, ${dim}] (got ${count})`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += rows[i * dim + k] / n;
  const centred = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) centred[i * dim + k] = rows[i * dim + k] - mean[k];
  let total = 0;
  for (const v of centred) total += v * v;
  total /= Math.max(1, n);

  const components: Float64Array[] = [];
  const variances: number[] = [];
  const projections = new Float64Array(n);
  for (let c = 0; c < count; c++) {
    // Start off every axis and every found component (a fixed, uneven vector).
    let v: Float64Array = Float64Array.from({ length: dim }, (_, k) => 1 + ((k * 0.618_033_988_75) % 1));
    for (let iter = 0; iter < PCA_ITERATIONS; iter++) {
      orthogonalise(v, components);
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += centred[i * dim + k] * v[k];
        projections[i] = dot;
      }
      const next = new Float64Array(dim);
      for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) next[k] += centred[i * dim + k] * projections[i];
      orthogonalise(next, components);
      const norm = Math.hypot(...next);
      if (norm < 1e-12) {
        // No variance left: any unit vector orthogonal to the others will do.
        next.fill(0);
        next[firstFreeAxis(components, dim)] = 1;
        orthogonalise(next, components);
        v = normalise(next);
        break;
      }
      v = next.map((x) => x / norm);
    }
    let largest = 0;
    for (let k = 1; k < dim; k++) if (Math.abs(v[k]) > Math.abs(v[largest])) largest = k;
    if (v[largest] < 0) v = v.map((x) => -x);
    let variance = 0;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += centred[i * dim + k] * v[k];
      variance += dot * dot;
    }
    components.push(v);
    variances.push(variance / Math.max(1, n));
  }
  return { mean, components, variances, explained: variances.map((v) => (total > 0 ? v / total : 0)) };
}

function orthogonalise(v: Float64Array, basis: readonly Float64Array[]): void {
  for (const b of basis) {
    let dot = 0;
    for (let k = 0; k < v.length; k++) dot += v[k] * b[k];
    for (let k = 0; k < v.length; k++) v[k] -= dot * b[k];
  }
}

function normalise(v: Float64Array): Float64Array {
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function firstFreeAxis(basis: readonly Float64Array[], dim: number): number {
  for (let k = 0; k < dim; k++) if (basis.every((b) => Math.abs(b[k]) < 0.9)) return k;
  return 0;
}

/** Rows ([n, dim]) in the coordinates of `basis`: [n, components] row-major, centred on the basis mean. */
export function projectRows(rows: ArrayLike<number>, dim: number, basis: PcaBasis): Float32Array {
  const n = rows.length / dim;
  const k = basis.components.length;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += (rows[i * dim + d] - basis.mean[d]) * basis.components[c][d];
      out[i * k + c] = dot;
    }
  }
  return out;
}

/** A point of the sphere drawn on one of two discs of radius 1. */
export interface DiscPoint {
  /**
   * 'upper': z ≥ 0; 'lower': z < 0. Both discs use the same x and y axes (the lower one is seen through the
   * sphere from above), so a point crossing the equator sits at the same place on both rims.
   */
  hemisphere: 'upper' | 'lower';
  /** Coordinates in the unit disc. */
  u: number;
  v: number;
}

/**
 * Lambert azimuthal equal-area projection of the direction (x, y, z) (any non-zero length), about the
 * pole of its own hemisphere, scaled so each hemisphere fills the unit disc. For a unit vector on the
 * upper hemisphere the disc radius is sqrt(1 − z) (the projection's 2·sin(θ/2) over its hemisphere
 * maximum √2), so the equator lands on the rim and a cap of polar angle θ covers the fraction
 * 1 − cos θ of the disc, exactly the fraction of the hemisphere it covers.
 */
export function lambertHemisphere(x: number, y: number, z: number): DiscPoint {
  const length = Math.hypot(x, y, z);
  if (!(length > 0)) throw new Error('lambertHemisphere: the zero vector has no direction');
  const [ux, uy, uz] = [x / length, y / length, z / length];
  const upper = uz >= 0;
  const horizontal = Math.hypot(ux, uy);
  const radius = Math.sqrt(1 - Math.abs(uz));
  if (horizontal === 0) return { hemisphere: upper ? 'upper' : 'lower', u: 0, v: 0 };
  return { hemisphere: upper ? 'upper' : 'lower', u: (radius * ux) / horizontal, v: (radius * uy) / horizontal };
}

/**
 * `count` unit vectors at angle `angleDeg` around the direction `centre` (3-D): the rim of a spherical
 * cap, e.g. the margin around a class centre.
 */
export function capOutline(centre: readonly [number, number, number], angleDeg: number, count = 48): [number, number, number][] {
  const length = Math.hypot(...centre);
  if (!(length > 0)) throw new Error('capOutline: the zero vector has no direction');
  const c = centre.map((v) => v / length) as [number, number, number];
  // Two unit vectors orthogonal to c: cross with the axis c is least aligned with.
  const axis: [number, number, number] = Math.abs(c[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const e1 = normalise(Float64Array.from(cross(c, axis)));
  const e2 = Float64Array.from(cross(c, [e1[0], e1[1], e1[2]]));
  const a = (angleDeg * Math.PI) / 180;
  return Array.from({ length: count }, (_, i) => {
    const t = (2 * Math.PI * i) / count;
    return [0, 1, 2].map((k) => Math.cos(a) * c[k] + Math.sin(a) * (Math.cos(t) * e1[k] + Math.sin(t) * e2[k])) as [number, number, number];
  });
}

function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
