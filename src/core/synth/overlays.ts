/**
 * The parts of a synthetic photo that are not the person: background clutter, accessories
 * (glasses, hats) and watermark occlusions, which the report's real data had (semi-transparent
 * logos, stripes and text stamped over faces).
 */
import type { Rng } from '../prng.ts';
import type { FaceIdentity, Rgb } from './identity.ts';
import type { Nuisance } from './nuisance.ts';
import type { FacePose } from './pose.ts';
import { ellipse, fill, paint, polygon, stroke, union, type Canvas, type Shape } from './raster.ts';

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
const colour = (rng: Rng, lo: number, hi: number): Rgb => [uniform(rng, lo, hi), uniform(rng, lo, hi), uniform(rng, lo, hi)];

/** A rectangle of half-sizes (w, h) centred at (cx, cy), rotated by `angle`, in pixels. */
function box(cx: number, cy: number, w: number, h: number, angle: number): Shape {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const corner = (x: number, y: number): [number, number] => [cx + c * x - s * y, cy + s * x + c * y];
  return polygon([corner(-w, -h), corner(w, -h), corner(w, h), corner(-w, h)]);
}

/** `count` random boxes, blobs and bars behind the person (furniture, posters, foliage). */
export function drawClutter(canvas: Canvas, count: number, rng: Rng): void {
  const size = canvas.width;
  for (let i = 0; i < count; i++) {
    const kind = rng.int(3);
    const cx = uniform(rng, 0, size);
    const cy = uniform(rng, 0, size);
    const w = uniform(rng, 0.05, 0.3) * size;
    const h = uniform(rng, 0.05, 0.3) * size;
    const angle = uniform(rng, -0.6, 0.6);
    const shape =
      kind === 0
        ? box(cx, cy, w, h, angle)
        : kind === 1
          ? ellipse(cx, cy, w * 0.7, h * 0.7, angle)
          : stroke([
              [cx - w, cy - h, size * 0.015],
              [cx + w, cy + h, size * 0.015],
            ]);
    fill(canvas, shape, paint(colour(rng, 20, 235), uniform(rng, 0.5, 1)));
  }
}

/** Glasses: round frames over both eyes (dark lenses for 'sun'), a bridge and the temple arms. */
export function drawGlasses(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { eyes, head } = id;
  const lensRx = eyes.rx * 1.5;
  const lensRy = Math.max(eyes.rx * 1.05, eyes.ry * 2.2);
  const frame = paint(n.glassesColor);
  const depth = 0.04;
  const y = eyes.y + 0.004;
  for (const side of [-1, 1]) {
    const u = side * eyes.spacing;
    if (n.glasses === 'sun') fill(canvas, pose.featureEllipse(u, y, depth, lensRx, lensRy), paint([22, 22, 28], 0.88));
    else fill(canvas, pose.featureEllipse(u, y, depth, lensRx, lensRy), paint([230, 240, 245], 0.1));
    fill(canvas, pose.featureEllipse(u, y, depth, lensRx, lensRy, 0, 0.0035), frame);
    fill(
      canvas,
      pose.featureStroke(
        [
          [side * (eyes.spacing + lensRx), y - 0.004, 0.003],
          [side * head.rx * 0.97, y + 0.006, 0.003],
        ],
        0.02,
      ),
      frame,
    );
  }
  const inner = eyes.spacing - lensRx;
  fill(
    canvas,
    pose.featureStroke(
      [
        [-inner, y - 0.006, 0.003],
        [0, y - 0.012, 0.003],
        [inner, y - 0.006, 0.003],
      ],
      depth,
    ),
    frame,
  );
}

/** A cap (crown plus a brim that points where the face points) or a beanie with a folded band. */
export function drawHat(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { head } = id;
  const hatY = head.cy - head.ry * (n.hat === 'cap' ? 0.42 : 0.35);
  const crown = pose.headEllipse(0, head.cy - 0.02, head.rx * 1.1, head.ry * 1.08);
  const above = pose.headPolygon([
    [-1, -1],
    [1, -1],
    [1, hatY],
    [-1, hatY],
  ]);
  const [cx, cy] = pose.toPixel(0, hatY - 0.1);
  const light = 0.15 / (head.rx * pose.unit);
  fill(canvas, crown, { ...paint(n.hatColor), shadeX: Math.cos(n.lightAngle) * light, shadeY: Math.sin(n.lightAngle) * light, shadeCx: cx, shadeCy: cy }, above);
  if (n.hat === 'cap') {
    const brimCentre = pose.place(0, hatY, 0.12);
    const [bx, by] = pose.toPixel(brimCentre.x, brimCentre.y);
    const brim = pose.linear(Math.max(0.3, brimCentre.sx), 1);
    fill(canvas, ellipse(bx, by, head.rx * 1.05, 0.028, 0, brim), paint(n.hatColor, 1, 0.75));
  } else {
    fill(
      canvas,
      pose.headStroke([
        [-head.rx * 1.08, hatY - 0.015, 0.03],
        [head.rx * 1.08, hatY - 0.015, 0.03],
      ]),
      paint(n.hatColor, 1, 0.8),
      crown,
    );
  }
}

/**
 * A watermark stamped over the photo after lighting: a translucent band across the image, a
 * ring logo, or a line of glyph-like marks (like stock-photo text), light or dark.
 */
export function drawWatermark(canvas: Canvas, kind: 'stripe' | 'logo' | 'text', rng: Rng): void {
  const size = canvas.width;
  const light = rng.next() < 0.7;
  const tone: Rgb = light ? [250, 250, 250] : [20, 20, 25];
  const alpha = uniform(rng, 0.2, 0.5);
  const cx = uniform(rng, 0.2, 0.8) * size;
  const cy = uniform(rng, 0.2, 0.8) * size;
  const angle = uniform(rng, -0.8, 0.8);
  if (kind === 'stripe') {
    fill(canvas, box(cx, cy, size, uniform(rng, 0.03, 0.08) * size, angle), paint(tone, alpha));
  } else if (kind === 'logo') {
    const r = uniform(rng, 0.06, 0.13) * size;
    const logo = union(ellipse(cx, cy, r, r, 0, undefined, r * 0.12), box(cx, cy, r * 0.65, r * 0.12, angle), box(cx, cy, r * 0.12, r * 0.65, angle));
    fill(canvas, logo, paint(tone, alpha + 0.1));
  } else {
    const glyphs = 5 + rng.int(8);
    const advance = 0.055 * size;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    for (let g = 0; g < glyphs; g++) {
      const parts: Shape[] = [];
      const offset = (g - (glyphs - 1) / 2) * advance;
      const gx = cx + c * offset;
      const gy = cy + s * offset;
      // Each glyph: two or three strokes inside a 0.04 × 0.05 image-width box.
      const strokes = 2 + rng.int(2);
      for (let k = 0; k < strokes; k++) {
        const ax = uniform(rng, -0.02, 0.02) * size;
        const ay = uniform(rng, -0.025, 0.025) * size;
        const bx = uniform(rng, -0.02, 0.02) * size;
        const by = uniform(rng, -0.025, 0.025) * size;
        const r = 0.005 * size;
        parts.push(
          stroke([
            [gx + c * ax - s * ay, gy + s * ax + c * ay, r],
            [gx + c * bx - s * by, gy + s * bx + c * by, r],
          ]),
        );
      }
      // One fill per glyph: strokes of a glyph do not double-darken where they cross, and small boxes are cheap.
      fill(canvas, union(...parts), paint(tone, alpha + 0.1));
    }
  }
}
