/**
 * What changes between two photos of the same synthetic person: pose, lighting, expression,
 * accessories, watermark occlusions, background, blur and noise. Every range scales with
 * `difficulty` in [0, 1]: 0 gives near-passport photos, 1 the hardest set the renderer makes.
 */
import type { Rng } from '../prng.ts';
import type { Rgb } from './identity.ts';

/** The per-photo conditions of one synthetic image. */
export interface Nuisance {
  /** Head turn left/right (radians; features shift and the far side foreshortens). */
  readonly yaw: number;
  /** Head tilt up/down (radians). */
  readonly pitch: number;
  /** In-plane rotation (radians). */
  readonly roll: number;
  /** Face size relative to the neutral framing, and its offset in image widths. */
  readonly scale: number;
  readonly shiftX: number;
  readonly shiftY: number;
  /** Light direction (radians, image plane) and strength of the brightness ramp across the image. */
  readonly lightAngle: number;
  readonly lightIntensity: number;
  /** Overall exposure factor. */
  readonly exposure: number;
  /** Expression: smile in [−0.4, 1] bends the mouth, mouthOpen in [0, 1], browRaise in face units, eyeOpen in (0, 1]. */
  readonly smile: number;
  readonly mouthOpen: number;
  readonly browRaise: number;
  readonly eyeOpen: number;
  /** Gaze offset of the irises, as a fraction of the eye width. */
  readonly gaze: number;
  readonly glasses: 'none' | 'clear' | 'sun';
  readonly glassesColor: Rgb;
  readonly hat: 'none' | 'cap' | 'beanie';
  readonly hatColor: Rgb;
  readonly watermark: 'none' | 'stripe' | 'logo' | 'text';
  /** Background gradient colours and direction; number of clutter shapes behind the person. */
  readonly background: readonly [Rgb, Rgb];
  readonly backgroundAngle: number;
  readonly clutter: number;
  readonly clothing: Rgb;
  /** Gaussian blur σ in pixels at 112 px (scaled with the image size) and noise σ in grey levels. */
  readonly blur: number;
  readonly noise: number;
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
/** Symmetric uniform in [−amplitude, amplitude). */
const spread = (rng: Rng, amplitude: number): number => amplitude * (2 * rng.next() - 1);
const colour = (rng: Rng, lo: number, hi: number): Rgb => [uniform(rng, lo, hi), uniform(rng, lo, hi), uniform(rng, lo, hi)];

/**
 * Draws the conditions of one photo. `difficulty` in [0, 1] scales pose ranges, probabilities of
 * accessories and watermarks, clutter, blur and noise; colours of background and clothes always vary.
 */
export function sampleNuisance(rng: Rng, difficulty: number): Nuisance {
  const d = Math.min(1, Math.max(0, difficulty));
  const glassesDraw = rng.next();
  const hatDraw = rng.next();
  const watermarkDraw = rng.next();
  return {
    yaw: spread(rng, 0.75 * d),
    pitch: spread(rng, 0.3 * d),
    roll: spread(rng, 0.35 * d),
    scale: 1 + spread(rng, 0.14 * d),
    shiftX: spread(rng, 0.06 * d),
    shiftY: spread(rng, 0.05 * d),
    lightAngle: uniform(rng, 0, 2 * Math.PI),
    lightIntensity: uniform(rng, 0.03, 0.05 + 0.45 * d),
    exposure: 1 + spread(rng, 0.3 * d),
    smile: uniform(rng, -0.4 * d, 0.2 + 0.8 * d),
    mouthOpen: rng.next() < 0.35 * d ? uniform(rng, 0.2, 1) : 0,
    browRaise: spread(rng, 0.012 * d),
    eyeOpen: rng.next() < 0.1 * d ? uniform(rng, 0.15, 0.5) : uniform(rng, 0.8, 1),
    gaze: spread(rng, 0.3 * d),
    glasses: glassesDraw < 0.25 * d ? 'clear' : glassesDraw < 0.35 * d ? 'sun' : 'none',
    glassesColor: colour(rng, 10, 120),
    hat: hatDraw < 0.12 * d ? 'cap' : hatDraw < 0.22 * d ? 'beanie' : 'none',
    hatColor: colour(rng, 20, 230),
    watermark: watermarkDraw < 0.2 * d ? 'stripe' : watermarkDraw < 0.4 * d ? 'logo' : watermarkDraw < 0.65 * d ? 'text' : 'none',
    background: [colour(rng, 40, 230), colour(rng, 40, 230)],
    backgroundAngle: uniform(rng, 0, 2 * Math.PI),
    clutter: rng.int(1 + Math.round(7 * d)),
    clothing: colour(rng, 15, 235),
    blur: rng.next() < 0.5 ? uniform(rng, 0, 1.6 * d) : 0,
    noise: uniform(rng, 0, 12 * d),
  };
}
