/**
 * A synthetic face set from a seed: identities grouped into look-alike families, each with a
 * fixed number of photos rendered on demand. Rendering is random access: item i's pixels depend
 * only on the spec and i (every identity and photo draws from its own fork of the seed), so
 * workers can render any slice lazily and in any order.
 */
import { createRng, type Rng } from '../prng.ts';
import { sampleBaseIdentity, sampleFamilyMember, SYNTH_DOMAINS, type FaceIdentity, type SynthDomain } from './identity.ts';
import { sampleNuisance, type Nuisance } from './nuisance.ts';
import { toBytes } from './passes.ts';
import { createCanvas } from './raster.ts';
import { renderFace } from './render.ts';

/** What to generate. Items are ordered identity by identity: item = identity × imagesPerIdentity + image. */
export interface SynthSpec {
  /** Any 32-bit integer; the same seed always gives the same set, pixel for pixel. */
  readonly seed: number;
  readonly identities: number;
  readonly imagesPerIdentity: number;
  /** Identities per look-alike family (consecutive identities share a family); 1 = no families. */
  readonly familySize?: number;
  /** Image side in pixels (square images). */
  readonly size?: number;
  /** 0..1: scales pose, lighting, expression, accessories, watermarks, clutter, blur and noise. */
  readonly difficulty?: number;
  /** Identity names are `<namePrefix>-0001`, `<namePrefix>-0002`, … */
  readonly namePrefix?: string;
  /** The population people are drawn from (SYNTH_DOMAINS); 'mixed' draws every appearance range whole. */
  readonly domain?: SynthDomain;
}

/** The values used for the optional fields of SynthSpec. */
export const SYNTH_DEFAULTS = Object.freeze({ familySize: 3, size: 112, difficulty: 0.5, namePrefix: 'synth', domain: 'mixed' as SynthDomain });

/**
 * The lab's built-in data: a training set and a test set of unseen people. The test set comes
 * from a different seed, so its families and identities are drawn independently of the training
 * ones (continuous parameters: no test identity equals a training identity), and its names differ.
 */
export const BUILTIN_DATA = Object.freeze({
  train: Object.freeze({ seed: 20_160_601, identities: 100, imagesPerIdentity: 20, familySize: 3, size: 112, difficulty: 0.5, namePrefix: 'synth', domain: 'mixed' }),
  test: Object.freeze({ seed: 90_170_602, identities: 100, imagesPerIdentity: 10, familySize: 3, size: 112, difficulty: 0.5, namePrefix: 'synth-test', domain: 'mixed' }),
} satisfies Record<'train' | 'test', Required<SynthSpec>>);

/** Overrides of one split of the built-in data (train or test); images are rendered at the model's input size. */
export type SynthSplitOverrides = Partial<Pick<SynthSpec, 'identities' | 'imagesPerIdentity' | 'familySize' | 'difficulty' | 'seed' | 'domain'>>;

/** A choice of built-in data: overrides of BUILTIN_DATA's train and test splits. */
export interface BuiltinDataChoice {
  readonly train?: Readonly<SynthSplitOverrides>;
  readonly test?: Readonly<SynthSplitOverrides>;
}

/**
 * Two populations of synthetic faces (SYNTH_DOMAINS 'a' and 'b'), each with its own training identities and
 * its own unseen test identities, the same counts as BUILTIN_DATA: the data of the "Same domain" and "Other
 * domain" presets. Seeds differ from BUILTIN_DATA's and from each other, so no person recurs.
 */
export const BUILTIN_DOMAINS = Object.freeze({
  a: Object.freeze({
    train: Object.freeze({ seed: 31_100_001, domain: 'a' }),
    test: Object.freeze({ seed: 31_100_002, domain: 'a' }),
  }),
  b: Object.freeze({
    train: Object.freeze({ seed: 31_200_001, domain: 'b' }),
    test: Object.freeze({ seed: 31_200_002, domain: 'b' }),
  }),
} satisfies Record<'a' | 'b', Required<BuiltinDataChoice>>);

/** A generated set; pixels are made only when render() is called. */
export interface SynthDataset {
  /** The spec with every default filled in. */
  readonly spec: Readonly<Required<SynthSpec>>;
  /** Stable names, one per identity (`synth-0001`, …). */
  readonly identityNames: readonly string[];
  /** The family index of each identity (identities sharing one are look-alikes). */
  readonly identityFamily: readonly number[];
  /** Number of families. */
  readonly families: number;
  /** Number of images: identities × imagesPerIdentity. */
  readonly count: number;
  /** Image side in pixels. */
  readonly size: number;
  /** The identity index of item `index`. */
  itemIdentity(index: number): number;
  /** The 0-based number of item `index` among its identity's photos. */
  itemImage(index: number): number;
  /** The fixed parameters of identity `identity`. */
  identity(identity: number): FaceIdentity;
  /** The photo conditions of item `index`. */
  nuisance(index: number): Nuisance;
  /** RGB bytes of item `index`, size × size × 3, row-major; written into `out` when it has that length. */
  render(index: number, out?: Uint8Array): Uint8Array;
}

function checkInteger(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`SynthSpec.${name} must be an integer in [${min}, ${max}], got ${value}`);
}

/** Resolves defaults and checks ranges (throws RangeError on a bad spec). */
export function resolveSynthSpec(spec: SynthSpec): Required<SynthSpec> {
  const full: Required<SynthSpec> = { ...SYNTH_DEFAULTS, ...spec };
  checkInteger(full.seed, 'seed', 0, 0xffffffff);
  checkInteger(full.identities, 'identities', 1, 1_000_000);
  checkInteger(full.imagesPerIdentity, 'imagesPerIdentity', 1, 100_000);
  checkInteger(full.familySize, 'familySize', 1, 1000);
  // Below 16 px the features are sub-pixel; 1024 keeps a render's buffers small.
  checkInteger(full.size, 'size', 16, 1024);
  if (!Object.hasOwn(SYNTH_DOMAINS, full.domain)) throw new RangeError(`SynthSpec.domain must be one of ${Object.keys(SYNTH_DOMAINS).join(', ')}, got ${String(full.domain)}`);
  if (!(full.difficulty >= 0 && full.difficulty <= 1)) throw new RangeError(`SynthSpec.difficulty must be in [0, 1], got ${full.difficulty}`);
  return full;
}

/** Builds the dataset described by `spec` (identities are drawn now; images when rendered). */
export function createSynthDataset(spec: SynthSpec): SynthDataset {
  const full = resolveSynthSpec(spec);
  const root = createRng(full.seed);
  const familyCount = Math.ceil(full.identities / full.familySize);
  const domain = SYNTH_DOMAINS[full.domain];
  const familyBases: FaceIdentity[] = [];
  for (let f = 0; f < familyCount; f++) familyBases.push(sampleBaseIdentity(root.fork(`family:${f}`), domain));
  const identityFamily: number[] = [];
  const identities: FaceIdentity[] = [];
  for (let i = 0; i < full.identities; i++) {
    const family = Math.floor(i / full.familySize);
    identityFamily.push(family);
    identities.push(full.familySize === 1 ? familyBases[family] : sampleFamilyMember(familyBases[family], root.fork(`identity:${i}`), domain));
  }
  const digits = Math.max(4, String(full.identities).length);
  const identityNames = identities.map((_, i) => `${full.namePrefix}-${String(i + 1).padStart(digits, '0')}`);
  const count = full.identities * full.imagesPerIdentity;
  const canvas = createCanvas(full.size, full.size);
  const scratch = new Float64Array(canvas.data.length);

  const checkIndex = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`item index ${index} is outside [0, ${count})`);
  };
  const imageRng = (index: number): Rng => {
    checkIndex(index);
    const identity = Math.floor(index / full.imagesPerIdentity);
    return root.fork(`image:${identity}:${index - identity * full.imagesPerIdentity}`);
  };
  return {
    spec: Object.freeze(full),
    identityNames: Object.freeze(identityNames),
    identityFamily: Object.freeze(identityFamily),
    families: familyCount,
    count,
    size: full.size,
    itemIdentity(index) {
      checkIndex(index);
      return Math.floor(index / full.imagesPerIdentity);
    },
    itemImage(index) {
      checkIndex(index);
      return index % full.imagesPerIdentity;
    },
    identity(identity) {
      checkInteger(identity, 'identity', 0, full.identities - 1);
      return identities[identity];
    },
    nuisance(index) {
      return sampleNuisance(imageRng(index).fork('nuisance'), full.difficulty);
    },
    render(index, out) {
      const rng = imageRng(index);
      const identity = identities[Math.floor(index / full.imagesPerIdentity)];
      renderFace(canvas, identity, sampleNuisance(rng.fork('nuisance'), full.difficulty), rng.fork('detail'), scratch);
      return toBytes(canvas, out);
    },
  };
}

/** The fields of a split that decide which faces a built-in set holds (the rest: its seed, domain and names). */
const PINNED_SPLIT_FIELDS = ['identities', 'imagesPerIdentity', 'familySize', 'difficulty'] as const;

/**
 * `choice` with every field that decides its faces written out from BUILTIN_DATA, as a run records it: a run's
 * checkpoint then names the data it trained on even if the built-in defaults change (they have: the training set
 * once held 300 people), and a resumed run trains on the faces it started on.
 */
export function pinBuiltinChoice(choice: BuiltinDataChoice): BuiltinDataChoice {
  const pin = (split: 'train' | 'test') => {
    const given = choice[split] ?? {};
    const pinned: Record<string, unknown> = { ...given };
    for (const field of PINNED_SPLIT_FIELDS) pinned[field] = given[field] ?? BUILTIN_DATA[split][field];
    return pinned as SynthSplitOverrides;
  };
  return { train: pin('train'), test: pin('test') };
}

/**
 * The faces of a checkpoint written before runs pinned their data (pinBuiltinChoice): BUILTIN_DATA's look-alike
 * families and difficulty as they were then (its training identity count comes from the checkpoint's head). Keep
 * these values when the defaults change.
 */
export const UNPINNED_BUILTIN_DATA = Object.freeze({
  train: Object.freeze({ familySize: 3, difficulty: 0.5 }),
  test: Object.freeze({ familySize: 3, difficulty: 0.5 }),
});

/**
 * The built-in training and test sets of `choice` (overrides of BUILTIN_DATA, e.g. a domain preset's), rendered at
 * `size` px: what the lab worker and the Node CLI both train and test on.
 */
export function createBuiltinSets(choice: BuiltinDataChoice, size: number): { train: SynthDataset; test: SynthDataset } {
  return {
    train: createSynthDataset({ ...BUILTIN_DATA.train, ...choice.train, size }),
    test: createSynthDataset({ ...BUILTIN_DATA.test, ...choice.test, size }),
  };
}
