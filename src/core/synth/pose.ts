/**
 * From face units to pixels under a head pose. Two mappings:
 * - head-level (outline, hair, hats): a similarity transform (scale, roll, shift), because the
 *   skull's outline barely changes when the head turns;
 * - features (eyes, nose, mouth…): points lie on a vertical cylinder around the head, so a turn
 *   (yaw) slides them sideways by R·sin(φ + yaw) and squeezes the far side (cos(φ + yaw) / cos φ);
 *   pitch slides them up or down by their depth. Protruding points (nose tip) move further.
 */
import type { Nuisance } from './nuisance.ts';
import { ellipse, polygon, stroke, type EllipseShape, type Linear, type PolygonShape, type StrokeShape } from './raster.ts';

/** A feature point after projection: image-plane face units plus local foreshortening. */
export interface Placed {
  readonly x: number;
  readonly y: number;
  /** Horizontal and vertical scale of small shapes drawn at this point. */
  readonly sx: number;
  readonly sy: number;
  /** cos of the turned surface angle: below 0 the point faces away from the camera. */
  readonly facing: number;
}

/** The pose parameters the mapping needs (a subset of Nuisance). */
export type PoseParams = Pick<Nuisance, 'yaw' | 'pitch' | 'roll' | 'scale' | 'shiftX' | 'shiftY'>;

/** Maps face units to pixels for one image of `size` px under `pose`; `radius` is the head cylinder's. */
export class FacePose {
  /** Image side in pixels. */
  readonly size: number;
  readonly pose: PoseParams;
  /** Radius of the head cylinder in face units. */
  readonly radius: number;
  /** Pixels per face unit. */
  readonly unit: number;
  private readonly cosRoll: number;
  private readonly sinRoll: number;
  private readonly originX: number;
  private readonly originY: number;
  private readonly cosPitch: number;
  private readonly sinPitch: number;

  constructor(size: number, pose: PoseParams, radius: number) {
    this.size = size;
    this.pose = pose;
    this.radius = radius;
    this.unit = size * pose.scale;
    this.cosRoll = Math.cos(pose.roll);
    this.sinRoll = Math.sin(pose.roll);
    this.originX = size * (0.5 + pose.shiftX);
    this.originY = size * (0.5 + pose.shiftY);
    this.cosPitch = Math.cos(pose.pitch);
    this.sinPitch = Math.sin(pose.pitch);
  }

  /** Image-plane face units to pixels (scale, roll, shift). */
  toPixel(x: number, y: number): [number, number] {
    const k = this.unit;
    return [this.originX + k * (this.cosRoll * x - this.sinRoll * y), this.originY + k * (this.sinRoll * x + this.cosRoll * y)];
  }

  /** The linear part of the pixel mapping, with extra local scales sx, sy applied first. */
  linear(sx = 1, sy = 1): Linear {
    const k = this.unit;
    return { a: k * this.cosRoll * sx, b: -k * this.sinRoll * sy, c: k * this.sinRoll * sx, d: k * this.cosRoll * sy };
  }

  /** Projects a face point (u, v) standing `depth` face units out of the head surface. */
  place(u: number, v: number, depth = 0): Placed {
    const r = this.radius;
    const ratio = Math.max(-0.995, Math.min(0.995, u / r));
    const phi = Math.asin(ratio);
    const turned = phi + this.pose.yaw;
    const facing = Math.cos(turned);
    // Depth of the surface point in front of the head's axis, for the pitch slide.
    const front = r * facing + depth;
    return {
      x: r * Math.sin(turned) + depth * Math.sin(this.pose.yaw),
      y: v * this.cosPitch + front * this.sinPitch * 0.6,
      sx: Math.max(0.08, facing / Math.cos(phi)),
      sy: this.cosPitch,
      facing,
    };
  }

  /** An ellipse centred on a feature point, foreshortened like the surface there. */
  featureEllipse(u: number, v: number, depth: number, rx: number, ry: number, angle = 0, ring = 0): EllipseShape {
    const p = this.place(u, v, depth);
    const [px, py] = this.toPixel(p.x, p.y);
    return ellipse(px, py, rx, ry, angle, this.linear(p.sx, p.sy), ring * this.unit);
  }

  /** A tapered stroke through feature points (u, v, radius), each projected on its own. */
  featureStroke(points: readonly (readonly [number, number, number])[], depth = 0): StrokeShape {
    return stroke(
      points.map(([u, v, r]) => {
        const p = this.place(u, v, depth);
        const [px, py] = this.toPixel(p.x, p.y);
        return [px, py, r * this.unit * Math.max(0.5, p.sx)] as const;
      }),
    );
  }

  /** An ellipse in head-level coordinates (no cylinder projection). */
  headEllipse(cx: number, cy: number, rx: number, ry: number, angle = 0, ring = 0): EllipseShape {
    const [px, py] = this.toPixel(cx, cy);
    return ellipse(px, py, rx, ry, angle, this.linear(), ring * this.unit);
  }

  /** A convex polygon in head-level coordinates. */
  headPolygon(vertices: readonly (readonly [number, number])[]): PolygonShape {
    return polygon(vertices.map(([x, y]) => this.toPixel(x, y)));
  }

  /** A stroke in head-level coordinates (x, y, radius in face units). */
  headStroke(points: readonly (readonly [number, number, number])[]): StrokeShape {
    return stroke(points.map(([x, y, r]) => [...this.toPixel(x, y), r * this.unit] as const));
  }
}
