/**
 * A small anti-aliased rasteriser for the synthetic faces: filled shapes described by signed
 * distances in pixels, alpha-blended onto a float RGB canvas (whole-image passes: ./passes.ts).
 *
 * Anti-aliasing is analytic: a pixel's coverage is clamp(0.5 − d, 0, 1), where d is the signed
 * distance (negative inside) from the pixel centre to the shape's edge, so a straight edge gets
 * the exact area coverage and curved edges get a close approximation, with no supersampling.
 *
 * Determinism (same pixels in Node and Chromium): all arithmetic is Float64 (no Float32 arrays,
 * no Math.fround); per pixel the only call is Math.sqrt (correctly rounded by IEEE 754); shape
 * set-up uses Math.sin/cos (V8's fdlibm ports, identical in Node and Chromium); no unseeded randomness.
 */

/** A float RGB image, channel values nominally in [0, 255], pixels in row-major order. */
export interface Canvas {
  readonly width: number;
  readonly height: number;
  /** width × height × 3 values; Float64 so that no Float32 rounding can differ between engines. */
  readonly data: Float64Array;
}

/** An ellipse in pixel space: points p with |M (p − c)| < 1 are inside. */
export interface EllipseShape {
  readonly kind: 'ellipse';
  readonly cx: number;
  readonly cy: number;
  readonly m00: number;
  readonly m01: number;
  readonly m10: number;
  readonly m11: number;
  /** When > 0 the shape is only the outline, a band this many pixels either side of the edge. */
  readonly ring: number;
  /** Largest singular value of M: how fast |q| can change per pixel. */
  readonly stretch: number;
}

/** A tapered polyline: points as (x, y, radius) triples; inside = within radius of the line. */
export interface StrokeShape {
  readonly kind: 'stroke';
  readonly points: Float64Array;
}

/** A convex polygon as outward edge lines (nx, ny, offset): inside where every nx·x + ny·y < offset. */
export interface PolygonShape {
  readonly kind: 'polygon';
  readonly edges: Float64Array;
  readonly bounds: Bounds;
}

/** Inside any of its parts (the distance is the minimum of theirs). */
export interface UnionShape {
  readonly kind: 'union';
  readonly parts: readonly Shape[];
}

/** Everything the rasteriser can fill. */
export type Shape = EllipseShape | StrokeShape | PolygonShape | UnionShape;

/** An axis-aligned pixel box [x0, x1) × [y0, y1) (real-valued before clipping to the canvas). */
export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** How a shape is filled: an RGB colour, an opacity and an optional linear shading ramp. */
export interface Paint {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly alpha: number;
  /** Brightness factor 1 + shadeX·(x − shadeCx) + shadeY·(y − shadeCy), per pixel (0 for a flat fill). */
  readonly shadeX?: number;
  readonly shadeY?: number;
  readonly shadeCx?: number;
  readonly shadeCy?: number;
}

/** A 2×2 linear map [a b; c d] applied as (a x + b y, c x + d y). */
export interface Linear {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/** A flat paint of colour `rgb` (times `gain`) at opacity `alpha`. */
export function paint(rgb: readonly number[], alpha = 1, gain = 1): Paint {
  return { r: rgb[0] * gain, g: rgb[1] * gain, b: rgb[2] * gain, alpha };
}

/** The identity linear map. */
export const IDENTITY_LINEAR: Linear = Object.freeze({ a: 1, b: 0, c: 0, d: 1 });

/** A blank (black) canvas of the given size. */
export function createCanvas(width: number, height: number): Canvas {
  return { width, height, data: new Float64Array(width * height * 3) };
}

/**
 * The ellipse with semi-axes rx, ry rotated by `angle` (radians) about (cx, cy), then mapped by
 * `linear` about that centre (pose: roll, foreshortening). `ring` > 0 makes it an outline.
 */
export function ellipse(cx: number, cy: number, rx: number, ry: number, angle: number, linear: Linear = IDENTITY_LINEAR, ring = 0): EllipseShape {
  // Inverse of linear, then rotate by −angle, then divide by the radii: q = D⁻¹ R(−θ) L⁻¹ (p − c).
  const det = linear.a * linear.d - linear.b * linear.c;
  const ia = linear.d / det;
  const ib = -linear.b / det;
  const ic = -linear.c / det;
  const id = linear.a / det;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // R(−θ) = [cos sin; −sin cos]
  const r00 = cos * ia + sin * ic;
  const r01 = cos * ib + sin * id;
  const r10 = -sin * ia + cos * ic;
  const r11 = -sin * ib + cos * id;
  const m00 = r00 / rx,
    m01 = r01 / rx,
    m10 = r10 / ry,
    m11 = r11 / ry;
  // σmax² of a 2×2 matrix = (T + √(T² − 4·det²)) / 2 with T the sum of squared entries.
  const t = m00 * m00 + m01 * m01 + m10 * m10 + m11 * m11;
  const mdet = m00 * m11 - m01 * m10;
  const stretch = Math.sqrt((t + Math.sqrt(Math.max(0, t * t - 4 * mdet * mdet))) / 2);
  return { kind: 'ellipse', cx, cy, m00, m01, m10, m11, ring, stretch };
}

/** A tapered polyline through the given points (x, y, radius in pixels). */
export function stroke(points: readonly (readonly [number, number, number])[]): StrokeShape {
  const flat = new Float64Array(points.length * 3);
  points.forEach((p, i) => flat.set(p, i * 3));
  return { kind: 'stroke', points: flat };
}

/** A convex polygon through the given vertices (either winding order). */
export function polygon(vertices: readonly (readonly [number, number])[]): PolygonShape {
  const n = vertices.length;
  let area = 0;
  for (let i = 0; i < n; i++) {
    const [x0, y0] = vertices[i];
    const [x1, y1] = vertices[(i + 1) % n];
    area += x0 * y1 - x1 * y0;
  }
  // With y pointing down, a positive shoelace sum means clockwise on screen; outward normals flip with it.
  const sign = area > 0 ? 1 : -1;
  const edges = new Float64Array(n * 3);
  const bounds: Bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (let i = 0; i < n; i++) {
    const [x0, y0] = vertices[i];
    const [x1, y1] = vertices[(i + 1) % n];
    const len = Math.sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)) || 1;
    const nx = (sign * (y1 - y0)) / len;
    const ny = (sign * (x0 - x1)) / len;
    edges[i * 3] = nx;
    edges[i * 3 + 1] = ny;
    edges[i * 3 + 2] = nx * x0 + ny * y0;
    bounds.x0 = Math.min(bounds.x0, x0);
    bounds.y0 = Math.min(bounds.y0, y0);
    bounds.x1 = Math.max(bounds.x1, x0);
    bounds.y1 = Math.max(bounds.y1, y0);
  }
  return { kind: 'polygon', edges, bounds };
}

/** The union of several shapes. */
export function union(...parts: Shape[]): UnionShape {
  return { kind: 'union', parts };
}

/** Reusable distance rows, one per nesting depth of unions; two pools: the shape's and the clip's. */
const shapeRows: Float64Array[] = [];
const clipRows: Float64Array[] = [];

function scratchRow(pool: Float64Array[], depth: number, length: number): Float64Array {
  let row = pool[depth];
  if (!row || row.length < length) pool[depth] = row = new Float64Array(length);
  return row;
}

/**
 * Signed distances in pixels (negative inside) from the pixel centres (x0 + i + 0.5, py),
 * i < n, to the shape's edge, written to out[0..n). Evaluating a whole row per call keeps the
 * inner loops monomorphic and free of allocations.
 */
function distanceRow(shape: Shape, py: number, x0: number, n: number, out: Float64Array, pool: Float64Array[], depth: number): void {
  switch (shape.kind) {
    case 'ellipse': {
      const { cx, m00, m01, m10, m11, ring } = shape;
      const dy = py - shape.cy;
      const rowX = m01 * dy;
      const rowY = m11 * dy;
      // |d| ≥ ||q| − 1| / σmax(M) (the gradient of |q| is at most σmax long), so outside
      // |q|² ≥ (1 + σmax/2)² and inside |q|² ≤ (1 − σmax/2)² the pixel is surely fully out or in:
      // no square roots there. Rings always take the exact path.
      const margin = 0.5 * shape.stretch;
      const outer2 = ring > 0 ? Infinity : (1 + margin) * (1 + margin);
      const inner2 = ring > 0 || margin >= 1 ? -1 : (1 - margin) * (1 - margin);
      for (let i = 0; i < n; i++) {
        const dx = x0 + i + 0.5 - cx;
        const qx = m00 * dx + rowX;
        const qy = m10 * dx + rowY;
        const k2 = qx * qx + qy * qy;
        if (k2 >= outer2) {
          out[i] = 0.5;
          continue;
        }
        if (k2 <= inner2) {
          out[i] = -0.5;
          continue;
        }
        const k = Math.sqrt(k2);
        // |q| − 1 divided by the length of its gradient Mᵀq/|q|: first-order distance to the edge.
        const gx = m00 * qx + m10 * qy;
        const gy = m01 * qx + m11 * qy;
        const gl = Math.sqrt(gx * gx + gy * gy);
        if (gl < 1e-12) out[i] = ring > 0 ? 1e9 : -1e9;
        else {
          const d = (k * (k - 1)) / gl;
          out[i] = ring > 0 ? Math.abs(d) - ring : d;
        }
      }
      return;
    }
    case 'stroke': {
      const p = shape.points;
      out.fill(Infinity, 0, n);
      if (p.length === 3) {
        const dy = py - p[1];
        for (let i = 0; i < n; i++) {
          const dx = x0 + i + 0.5 - p[0];
          out[i] = Math.sqrt(dx * dx + dy * dy) - p[2];
        }
        return;
      }
      for (let s = 0; s + 5 < p.length; s += 3) {
        const ax = p[s],
          ay = p[s + 1],
          ar = p[s + 2];
        const ex = p[s + 3] - ax,
          ey = p[s + 4] - ay,
          er = p[s + 5] - ar;
        const len2 = ex * ex + ey * ey;
        const inv = len2 > 0 ? 1 / len2 : 0;
        const dy = py - ay;
        // Beyond the thicker end's radius + 0.5 px the pixel is surely uncovered: skip the root.
        const far = Math.max(ar, ar + er) + 0.5;
        const far2 = far * far;
        for (let i = 0; i < n; i++) {
          const dx = x0 + i + 0.5 - ax;
          let t = (dx * ex + dy * ey) * inv;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const px = dx - t * ex,
            qy = dy - t * ey;
          const dist2 = px * px + qy * qy;
          if (dist2 >= far2) {
            if (out[i] > 0.5) out[i] = 0.5;
            continue;
          }
          const d = Math.sqrt(dist2) - (ar + t * er);
          if (d < out[i]) out[i] = d;
        }
      }
      return;
    }
    case 'polygon': {
      const e = shape.edges;
      out.fill(-Infinity, 0, n);
      for (let s = 0; s < e.length; s += 3) {
        const nx = e[s];
        const base = nx * (x0 + 0.5) + e[s + 1] * py - e[s + 2];
        for (let i = 0; i < n; i++) {
          const d = base + nx * i;
          if (d > out[i]) out[i] = d;
        }
      }
      return;
    }
    case 'union': {
      const parts = shape.parts;
      distanceRow(parts[0], py, x0, n, out, pool, depth + 1);
      const tmp = scratchRow(pool, depth + 1, n);
      for (let k = 1; k < parts.length; k++) {
        distanceRow(parts[k], py, x0, n, tmp, pool, depth + 2);
        for (let i = 0; i < n; i++) if (tmp[i] < out[i]) out[i] = tmp[i];
      }
      return;
    }
  }
}

/** A box that contains the shape (plus one pixel for the anti-aliased edge). */
export function shapeBounds(shape: Shape): Bounds {
  switch (shape.kind) {
    case 'ellipse': {
      // The ellipse is c + M⁻¹u for |u| ≤ 1: its half-extent along x is the length of M⁻¹'s first row.
      const det = shape.m00 * shape.m11 - shape.m01 * shape.m10;
      const hx = Math.sqrt(shape.m11 * shape.m11 + shape.m01 * shape.m01) / Math.abs(det) + shape.ring + 1;
      const hy = Math.sqrt(shape.m10 * shape.m10 + shape.m00 * shape.m00) / Math.abs(det) + shape.ring + 1;
      return { x0: shape.cx - hx, y0: shape.cy - hy, x1: shape.cx + hx, y1: shape.cy + hy };
    }
    case 'stroke': {
      const b: Bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      const p = shape.points;
      for (let i = 0; i < p.length; i += 3) {
        const r = p[i + 2] + 1;
        b.x0 = Math.min(b.x0, p[i] - r);
        b.y0 = Math.min(b.y0, p[i + 1] - r);
        b.x1 = Math.max(b.x1, p[i] + r);
        b.y1 = Math.max(b.y1, p[i + 1] + r);
      }
      return b;
    }
    case 'polygon':
      return { x0: shape.bounds.x0 - 1, y0: shape.bounds.y0 - 1, x1: shape.bounds.x1 + 1, y1: shape.bounds.y1 + 1 };
    case 'union': {
      const b: Bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      for (const part of shape.parts) {
        const pb = shapeBounds(part);
        b.x0 = Math.min(b.x0, pb.x0);
        b.y0 = Math.min(b.y0, pb.y0);
        b.x1 = Math.max(b.x1, pb.x1);
        b.y1 = Math.max(b.y1, pb.y1);
      }
      return b;
    }
  }
}

/**
 * Alpha-blend `paint` over the pixels the shape covers (pixel centres at half-integers). With `clip`, only the part of the shape
 * inside `clip` is painted (the distances combine as an intersection: the larger one wins).
 */
export function fill(canvas: Canvas, shape: Shape, paint: Paint, clip?: Shape): void {
  const b = shapeBounds(shape);
  if (clip) {
    const cb = shapeBounds(clip);
    b.x0 = Math.max(b.x0, cb.x0);
    b.y0 = Math.max(b.y0, cb.y0);
    b.x1 = Math.min(b.x1, cb.x1);
    b.y1 = Math.min(b.y1, cb.y1);
  }
  const x0 = Math.max(0, Math.floor(b.x0));
  const y0 = Math.max(0, Math.floor(b.y0));
  const x1 = Math.min(canvas.width, Math.ceil(b.x1));
  const y1 = Math.min(canvas.height, Math.ceil(b.y1));
  const n = x1 - x0;
  if (n <= 0 || y1 <= y0) return;
  const { data, width } = canvas;
  const shadeX = paint.shadeX ?? 0;
  const shadeY = paint.shadeY ?? 0;
  const shadeCx = paint.shadeCx ?? 0;
  const shadeCy = paint.shadeCy ?? 0;
  const { r, g, b: blue, alpha } = paint;
  const row = scratchRow(shapeRows, 0, n);
  const clipRow = clip ? scratchRow(clipRows, 0, n) : row;
  for (let y = y0; y < y1; y++) {
    const py = y + 0.5;
    distanceRow(shape, py, x0, n, row, shapeRows, 0);
    if (clip) distanceRow(clip, py, x0, n, clipRow, clipRows, 0);
    const rowShade = 1 + shadeY * (py - shadeCy) + shadeX * (x0 + 0.5 - shadeCx);
    for (let i = 0; i < n; i++) {
      let d = row[i];
      if (clip && clipRow[i] > d) d = clipRow[i];
      if (d >= 0.5) continue;
      // Analytic anti-aliasing: coverage falls linearly across the pixel straddling the edge.
      const a = (d <= -0.5 ? 1 : 0.5 - d) * alpha;
      const shade = rowShade + shadeX * i;
      const o = (y * width + x0 + i) * 3;
      data[o] += (r * shade - data[o]) * a;
      data[o + 1] += (g * shade - data[o + 1]) * a;
      data[o + 2] += (blue * shade - data[o + 2]) * a;
    }
  }
}
