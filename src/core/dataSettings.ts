/**
 * The Data panel's choices of what to train on and how to decode it, as data: the seed of the identity sample,
 * K identities, the minimum and cap of images per identity, the validation hold-out, the test-pair count, and the
 * decoding (size, centre crop, background of transparent pixels, face alignment). The page's form extends it
 * (src/ui/data/settings.ts adds the browser's pixel-memory budget) and the PyTorch export writes it as data.json
 * next to config.json (src/core/torchExport.ts), which train.py reads as the defaults of its data flags.
 *
 * In JSON a count that means "all" is null (or absent); in TypeScript it is undefined, as in the form.
 */
import { checkAlignOptions, DEFAULT_ALIGN_OPTIONS, type FaceDetectorName } from './align/options.ts';
import { isPlainObject } from './plainObject.ts';

/** The colours transparent pixels may be composited over, in the order messages list them. */
export const ALPHA_BACKGROUNDS = Object.freeze(['black', 'white'] as const);

/** The colour transparent pixels are composited over (src/protocol/data.ts re-exports it for the worker). */
export type AlphaBackground = (typeof ALPHA_BACKGROUNDS)[number];

/** What to train on and how to decode it (see the module comment). */
export interface FolderDataSettings {
  /** Seed of the identity sample, the per-identity cap, the validation split and the test-pair sample. */
  readonly seed: number;
  /** Identities to sample for training; undefined = all. */
  readonly identities?: number;
  /** Identities with fewer usable images are left out before sampling. */
  readonly minImages: number;
  /** Cap per identity (a seeded choice of this many); undefined = no cap. */
  readonly maxImages?: number;
  /** Held-out validation share in percent (0–99). */
  readonly validationPercent: number;
  /** Balanced test pairs to sample when the test folder has no pairs.txt. */
  readonly testPairs: number;
  /** Side of the decoded square in the page before a run (a run decodes at model.inputSize). */
  readonly imageSize: number;
  /** Crop the centred square before resizing (true), or squash the whole image (false). */
  readonly centreCrop: boolean;
  readonly background: AlphaBackground;
  /** "Align faces": detect and warp each face onto the ArcFace template (replaces the centre crop). */
  readonly alignFaces: boolean;
  readonly faceDetector: FaceDetectorName;
  /** Detector score threshold in [0, 1]. */
  readonly faceScoreThreshold: number;
}

/**
 * Defaults: the page's (the paper's 112×112 input, 10 % validation, 600 test pairs, alignment off with the tiny
 * detector at face-api's 0.5).
 */
export const DEFAULT_FOLDER_DATA_SETTINGS: FolderDataSettings = Object.freeze({
  seed: 1,
  minImages: 1,
  validationPercent: 10,
  testPairs: 600,
  imageSize: 112,
  centreCrop: true,
  background: 'black',
  alignFaces: false,
  faceDetector: DEFAULT_ALIGN_OPTIONS.detector,
  faceScoreThreshold: DEFAULT_ALIGN_OPTIONS.scoreThreshold,
});

/** Every key, in the order data.json lists them. */
export const FOLDER_DATA_SETTING_KEYS = Object.freeze([
  'seed',
  'identities',
  'minImages',
  'maxImages',
  'validationPercent',
  'testPairs',
  'imageSize',
  'centreCrop',
  'background',
  'alignFaces',
  'faceDetector',
  'faceScoreThreshold',
] as const satisfies readonly (keyof FolderDataSettings)[]);

/** The counts that may be null (all). */
const OPTIONAL_COUNTS = new Set<string>(['identities', 'maxImages']);

function requireInt(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`} (got ${JSON.stringify(value)})`);
  }
  return value;
}

function requireChoice<T extends string | boolean>(name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw new Error(`${name} must be ${choices.map((c) => JSON.stringify(c)).join(' or ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

/** The detector and threshold checked by the align step's own rules (checkAlignOptions), the data.json key named. */
function alignOptionsOf(detector: unknown, scoreThreshold: number) {
  try {
    return checkAlignOptions({ detector: detector as FaceDetectorName, scoreThreshold });
  } catch (err) {
    const key = err instanceof RangeError && err.message.startsWith('detector') ? 'faceDetector' : 'faceScoreThreshold';
    throw new Error(`${key}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Any subset of the settings (parsed JSON: data.json, `lab export-torch --data-settings FILE`) merged over the
 * defaults and checked. A count given as null means "all". Throws an Error naming the first unknown key or bad
 * field; returns a fresh object with "all" as undefined.
 */
export function parseFolderDataSettings(input: unknown): FolderDataSettings {
  const raw = input ?? {};
  if (!isPlainObject(raw)) throw new Error('data settings must be a JSON object');
  const allowed: readonly string[] = FOLDER_DATA_SETTING_KEYS;
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new Error(`unknown data setting '${key}' (allowed: ${allowed.join(', ')})`);
  }
  const given = (key: string) => (OPTIONAL_COUNTS.has(key) && raw[key] === null ? undefined : raw[key]);
  const pick = <K extends keyof FolderDataSettings>(key: K): unknown => (key in raw ? given(key) : DEFAULT_FOLDER_DATA_SETTINGS[key]);
  const minImages = requireInt('minImages', pick('minImages'), 1);
  const identities = pick('identities');
  const maxImages = pick('maxImages');
  if (maxImages !== undefined && requireInt('maxImages', maxImages, 1) < minImages) {
    throw new Error(`maxImages must be at least minImages (${minImages}) (got ${String(maxImages)})`);
  }
  const threshold = pick('faceScoreThreshold');
  if (typeof threshold !== 'number') throw new Error(`faceScoreThreshold must be a number in [0, 1] (got ${JSON.stringify(threshold)})`);
  const align = alignOptionsOf(pick('faceDetector'), threshold);
  return {
    seed: requireInt('seed', pick('seed'), 0, 2 ** 32 - 1),
    ...(identities === undefined ? {} : { identities: requireInt('identities', identities, 1) }),
    minImages,
    ...(maxImages === undefined ? {} : { maxImages: maxImages as number }),
    validationPercent: requireInt('validationPercent', pick('validationPercent'), 0, 99),
    testPairs: requireInt('testPairs', pick('testPairs'), 2),
    imageSize: requireInt('imageSize', pick('imageSize'), 16, 512),
    centreCrop: requireChoice('centreCrop', pick('centreCrop'), [true, false]),
    background: requireChoice('background', pick('background'), ALPHA_BACKGROUNDS),
    alignFaces: requireChoice('alignFaces', pick('alignFaces'), [true, false]),
    faceDetector: align.detector,
    faceScoreThreshold: align.scoreThreshold,
  };
}

/**
 * The settings as data.json's text: every key in FOLDER_DATA_SETTING_KEYS order, "all" written as null. Keys of
 * a wider object (the page's form adds its memory budget) are left out; the values are checked.
 */
export function folderDataSettingsJson(settings: FolderDataSettings): string {
  const given = settings as unknown as Record<string, unknown>;
  const checked = parseFolderDataSettings(Object.fromEntries(FOLDER_DATA_SETTING_KEYS.filter((key) => given[key] !== undefined).map((key) => [key, given[key]])));
  const record = checked as unknown as Record<string, unknown>;
  const ordered = Object.fromEntries(FOLDER_DATA_SETTING_KEYS.map((key) => [key, record[key] ?? null]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
