/**
 * Who a synthetic face is: the parameters that stay fixed across every photo of one identity
 * (face shape, features, colours), drawn from a seeded stream, and grouped into look-alike
 * families: members of a family share most groups of parameters and redraw only a few, so a
 * family gives hard negatives (people who look alike), as real face sets do.
 *
 * Geometry is in face units: 1 = the image width at the neutral pose, origin at the image
 * centre, y pointing down. Colours are RGB in [0, 255].
 */
import type { Rng } from '../prng.ts';

/** An RGB colour, channels in [0, 255]. */
export type Rgb = readonly [number, number, number];

/** Everything about a synthetic person that does not change between their photos. */
export interface FaceIdentity {
  /** Cranium ellipse: half-width, half-height, centre y. */
  readonly head: { readonly rx: number; readonly ry: number; readonly cy: number; readonly jawRx: number; readonly jawRy: number; readonly jawCy: number };
  readonly skin: Rgb;
  /** Eye centres at (±spacing, y); almond half-axes rx, ry; outward tilt (radians); iris radius as a fraction of ry. */
  readonly eyes: { readonly spacing: number; readonly y: number; readonly rx: number; readonly ry: number; readonly tilt: number; readonly iris: number };
  readonly eyeColor: Rgb;
  /** Brows: gap above the eye, stroke half-thickness, arch height, length, outward slope. */
  readonly brows: { readonly gap: number; readonly thickness: number; readonly arch: number; readonly length: number; readonly slope: number };
  /** Nose: length below the eye line, half-width at the nostrils, bridge shading strength. */
  readonly nose: { readonly length: number; readonly width: number; readonly shade: number };
  /** Mouth: half-width, centre y, lip half-thickness, colour. */
  readonly mouth: { readonly width: number; readonly y: number; readonly lip: number; readonly color: Rgb };
  /** Ears: size (half-height) and vertical offset from the eye line. */
  readonly ears: { readonly size: number; readonly dy: number };
  /** Hair style (see HAIR_STYLES), volume (extra size), hairline (fraction of head height), part side. */
  readonly hair: { readonly style: HairStyle; readonly volume: number; readonly hairline: number; readonly side: 1 | -1 };
  readonly hairColor: Rgb;
  readonly facialHair: FacialHair;
  /** A mole or freckle cluster position on the face, or null. */
  readonly mole: { readonly x: number; readonly y: number; readonly size: number } | null;
}

/** The hair styles the renderer knows. */
export const HAIR_STYLES = ['shaved', 'crop', 'sidePart', 'long', 'curly', 'fringe'] as const;
/** One of HAIR_STYLES. */
export type HairStyle = (typeof HAIR_STYLES)[number];
/** Facial hair kinds. */
export type FacialHair = 'none' | 'moustache' | 'beard' | 'stubble';

/** The independently drawn parameter groups; a family member redraws a few of them. */
const GROUPS = ['head', 'skin', 'eyes', 'eyeColor', 'brows', 'nose', 'mouth', 'ears', 'hair', 'hairColor', 'facialHair', 'mole'] as const;
type Group = (typeof GROUPS)[number];

/**
 * Groups a family member may redraw, and how many: family members keep the family's skin and
 * hair colour (only jittered) and differ in a couple of clearly visible traits, so they stay
 * look-alikes yet are distinct people.
 */
const MEMBER_GROUPS: readonly Group[] = ['head', 'eyes', 'brows', 'nose', 'mouth', 'hair', 'facialHair', 'eyeColor', 'ears', 'mole'];
/** The first few MEMBER_GROUPS are the salient ones; at least one redraw comes from them. */
const SALIENT_GROUPS = 6;
const MEMBER_REDRAWS = [2, 3] as const;

/** Skin tones from light to dark (a continuous ramp; a tone is a point along it). */
const SKIN_RAMP: readonly Rgb[] = [
  [250, 222, 198],
  [232, 190, 158],
  [205, 150, 112],
  [160, 108, 74],
  [110, 72, 48],
  [72, 48, 34],
];
const HAIR_PALETTE: readonly Rgb[] = [
  [22, 18, 16], // black
  [58, 38, 26], // dark brown
  [105, 70, 42], // brown
  [150, 80, 40], // auburn
  [206, 170, 110], // blond
  [150, 146, 140], // grey
  [225, 222, 215], // white
];
const EYE_PALETTE: readonly Rgb[] = [
  [72, 44, 26], // brown
  [110, 84, 44], // hazel
  [70, 110, 70], // green
  [70, 110, 160], // blue
  [110, 120, 128], // grey
];

/**
 * A population of synthetic faces: which part of each appearance range its people are drawn from. Two
 * populations that differ in these statistics give the lab its "Does ethnicity care?" experiment (a model
 * trained on one population verifies people of another worse). 'mixed' draws every range whole (the lab's
 * default built-in faces, unchanged pixel for pixel).
 */
export interface SynthDomainProfile {
  /** The stretch of the skin ramp (0 = lightest, 1 = darkest) that skin tones are drawn from. */
  readonly skinRange: readonly [number, number];
  /** Indices into the hair palette people may have (black, dark brown, brown, auburn, blond, grey, white). */
  readonly hairColors: readonly number[];
  /** Indices into the eye palette (brown, hazel, green, blue, grey). */
  readonly eyeColors: readonly number[];
  /** Multiplies the spread of face-shape ranges around their middle (1 = as drawn in 'mixed'). */
  readonly shapeSpread: number;
}

/** The synthetic populations. */
export type SynthDomain = 'mixed' | 'a' | 'b';

/**
 * 'a': light skin, every hair and eye colour, the full shape ranges: colour tells people apart as much as
 * shape does. 'b': darker skin, dark hair, brown or hazel eyes, and narrower shape ranges: people differ in
 * finer shape details. A model trained on 'b' learns little use for hair or eye colour, which matter in 'a'.
 */
export const SYNTH_DOMAINS: Readonly<Record<SynthDomain, SynthDomainProfile>> = Object.freeze({
  mixed: Object.freeze({ skinRange: Object.freeze([0, 1] as const), hairColors: Object.freeze([0, 1, 2, 3, 4, 5, 6]), eyeColors: Object.freeze([0, 1, 2, 3, 4]), shapeSpread: 1 }),
  a: Object.freeze({ skinRange: Object.freeze([0, 0.4] as const), hairColors: Object.freeze([0, 1, 2, 3, 4, 5, 6]), eyeColors: Object.freeze([0, 1, 2, 3, 4]), shapeSpread: 1 }),
  b: Object.freeze({ skinRange: Object.freeze([0.6, 1] as const), hairColors: Object.freeze([0, 1]), eyeColors: Object.freeze([0, 1]), shapeSpread: 0.7 }),
});

/** Uniform in [lo, hi). */
const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
/** A palette colour with ±jitter per channel. */
const pick = (rng: Rng, palette: readonly Rgb[], allowed: readonly number[], jitter: number): Rgb => {
  const c = palette[allowed[rng.int(allowed.length)]];
  return [c[0] + uniform(rng, -jitter, jitter), c[1] + uniform(rng, -jitter, jitter), c[2] + uniform(rng, -jitter, jitter)];
};
/** Linear mix of two colours. */
export const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

function skinTone(rng: Rng, [lo, hi]: readonly [number, number]): Rgb {
  const t = (lo + (hi - lo) * rng.next()) * (SKIN_RAMP.length - 1);
  const i = Math.min(SKIN_RAMP.length - 2, Math.floor(t));
  const c = mix(SKIN_RAMP[i], SKIN_RAMP[i + 1], t - i);
  // A little hue freedom (redder / more olive) so equal tones still differ.
  const warm = uniform(rng, -10, 10);
  return [c[0] + warm, c[1], c[2] - warm];
}

/** Draws one parameter group; each group reads only its own stream, so groups are independent. */
function drawGroup(group: Group, rng: Rng, base: Partial<Record<Group, unknown>>, domain: SynthDomainProfile): unknown {
  // A shape range [lo, hi) narrowed around its middle by the domain's shapeSpread.
  const shape = (lo: number, hi: number): number => {
    if (domain.shapeSpread === 1) return uniform(rng, lo, hi);
    const mid = (lo + hi) / 2;
    const half = ((hi - lo) / 2) * domain.shapeSpread;
    return uniform(rng, mid - half, mid + half);
  };
  switch (group) {
    case 'head': {
      const rx = shape(0.22, 0.28);
      const ry = shape(0.27, 0.33);
      // The jaw ellipse sets the chin: narrow and low = pointed, wide and high = square.
      return { rx, ry, cy: shape(0.01, 0.04), jawRx: rx * shape(0.62, 0.95), jawRy: ry * shape(0.55, 0.8), jawCy: shape(0.09, 0.15) };
    }
    case 'skin':
      return skinTone(rng, domain.skinRange);
    case 'eyes':
      return { spacing: shape(0.095, 0.13), y: shape(-0.03, 0.01), rx: shape(0.036, 0.052), ry: shape(0.014, 0.025), tilt: shape(-0.18, 0.22), iris: shape(0.75, 1.05) };
    case 'eyeColor':
      return pick(rng, EYE_PALETTE, domain.eyeColors, 14);
    case 'brows':
      return { gap: shape(0.035, 0.06), thickness: shape(0.005, 0.012), arch: shape(-0.004, 0.018), length: shape(0.06, 0.095), slope: shape(-0.25, 0.2) };
    case 'nose':
      return { length: shape(0.08, 0.13), width: shape(0.024, 0.045), shade: shape(0.3, 0.6) };
    case 'mouth': {
      const skin = (base.skin as Rgb | undefined) ?? SKIN_RAMP[2];
      return { width: uniform(rng, 0.055, 0.09), y: uniform(rng, 0.15, 0.2), lip: uniform(rng, 0.007, 0.014), color: mix(skin, [150, 50, 60], uniform(rng, 0.35, 0.7)) };
    }
    case 'ears':
      return { size: uniform(rng, 0.035, 0.055), dy: uniform(rng, 0.0, 0.04) };
    case 'hair':
      return { style: HAIR_STYLES[rng.int(HAIR_STYLES.length)], volume: uniform(rng, 0, 0.04), hairline: uniform(rng, 0.45, 0.75), side: rng.next() < 0.5 ? 1 : -1 };
    case 'hairColor':
      return pick(rng, HAIR_PALETTE, domain.hairColors, 12);
    case 'facialHair': {
      const u = rng.next();
      return u < 0.6 ? 'none' : u < 0.75 ? 'moustache' : u < 0.9 ? 'beard' : 'stubble';
    }
    case 'mole':
      return rng.next() < 0.35 ? { x: uniform(rng, -0.15, 0.15), y: uniform(rng, -0.02, 0.2), size: uniform(rng, 0.005, 0.01) } : null;
  }
}

/** A whole identity of population `domain` (default 'mixed') drawn afresh, every group from its own fork of `rng`. */
export function sampleBaseIdentity(rng: Rng, domain: SynthDomainProfile = SYNTH_DOMAINS.mixed): FaceIdentity {
  const groups: Partial<Record<Group, unknown>> = {};
  for (const group of GROUPS) groups[group] = drawGroup(group, rng.fork(group), groups, domain);
  return assemble(groups as Record<Group, unknown>);
}

/**
 * A family member: the family's base identity with a few groups redrawn from `memberRng` and a
 * small jitter on proportions and colours (no two people match exactly, even siblings).
 */
export function sampleFamilyMember(base: FaceIdentity, memberRng: Rng, domain: SynthDomainProfile = SYNTH_DOMAINS.mixed): FaceIdentity {
  const groups = disassemble(base);
  const salient = MEMBER_GROUPS[memberRng.int(SALIENT_GROUPS)];
  const others = memberRng.shuffle(MEMBER_GROUPS.filter((g) => g !== salient));
  const redraws = MEMBER_REDRAWS[0] + memberRng.int(MEMBER_REDRAWS[1] - MEMBER_REDRAWS[0] + 1);
  const redrawn = new Set<Group>([salient, ...others.slice(0, redraws - 1)]);
  for (const group of GROUPS) {
    if (redrawn.has(group)) groups[group] = drawGroup(group, memberRng.fork(group), groups, domain);
  }
  const jitter = memberRng.fork('jitter');
  const scale = (v: number): number => v * (1 + uniform(jitter, -0.06, 0.06));
  const head = groups.head as FaceIdentity['head'];
  groups.head = { ...head, rx: scale(head.rx), ry: scale(head.ry), jawRx: scale(head.jawRx) };
  const eyes = groups.eyes as FaceIdentity['eyes'];
  groups.eyes = { ...eyes, spacing: scale(eyes.spacing), rx: scale(eyes.rx) };
  const nose = groups.nose as FaceIdentity['nose'];
  groups.nose = { ...nose, length: scale(nose.length), width: scale(nose.width) };
  const skin = groups.skin as Rgb;
  const shift = uniform(jitter, -10, 10);
  groups.skin = [skin[0] + shift, skin[1] + shift, skin[2] + shift];
  const hairColor = groups.hairColor as Rgb;
  const hairShift = uniform(jitter, -12, 12);
  groups.hairColor = [hairColor[0] + hairShift, hairColor[1] + hairShift, hairColor[2] + hairShift];
  return assemble(groups);
}

function assemble(g: Record<Group, unknown>): FaceIdentity {
  return {
    head: g.head as FaceIdentity['head'],
    skin: g.skin as Rgb,
    eyes: g.eyes as FaceIdentity['eyes'],
    eyeColor: g.eyeColor as Rgb,
    brows: g.brows as FaceIdentity['brows'],
    nose: g.nose as FaceIdentity['nose'],
    mouth: g.mouth as FaceIdentity['mouth'],
    ears: g.ears as FaceIdentity['ears'],
    hair: g.hair as FaceIdentity['hair'],
    hairColor: g.hairColor as Rgb,
    facialHair: g.facialHair as FacialHair,
    mole: g.mole as FaceIdentity['mole'],
  };
}

function disassemble(f: FaceIdentity): Record<Group, unknown> {
  return { ...f };
}
