/**
 * The training config as data: one table of fields drives the URL hash (`#v=1&loss=arcface&m=30`), the JSON
 * config files and the UI's controls (label and one-line help per field). Validation stays the engine's:
 * every decoded config goes through parseTrainConfig.
 *
 * Hash rules: only fields that differ from DEFAULT_TRAIN_CONFIG are written, after `v=1`. A loss or schedule
 * of another kind than the default starts from that kind alone (as parseTrainConfig merges it), so its other
 * fields are compared with that fresh start. `~` marks an optional field the default has but the config
 * lacks. Keys reserved for page state (`preset`, `lesson`, `view`, …) pass through in `extras`; hashState.ts reads
 * them and is what the page calls.
 */
import { LOSS_KINDS } from './lossConfig.ts';
import { SCHEDULE_KINDS } from './schedule.ts';
import { DEFAULT_TRAIN_CONFIG, parseTrainConfig, type TrainConfig } from './trainConfig.ts';

/** How a field's value is written in a URL and edited in the UI. */
export type ConfigFieldType = 'number' | 'int' | 'boolean' | 'enum' | 'intList';

/** Where the UI groups a control. */
export type ConfigFieldGroup = 'model' | 'loss' | 'optimizer' | 'training' | 'evaluation';

/** A field's value: numbers, booleans, enum strings, integer lists; undefined when an optional field is absent. */
export type ConfigFieldValue = number | boolean | string | readonly number[] | undefined;

/** One config field: where it lives, how it is written and what the UI says about it. */
export interface ConfigField {
  /** Dotted path in TrainConfig, e.g. 'loss.marginDeg'. */
  readonly path: string;
  /** Short, stable URL key: links depend on it, never rename. */
  readonly urlKey: string;
  readonly type: ConfigFieldType;
  /** Allowed values of an 'enum' field, in the order the UI lists them. */
  readonly values?: readonly string[];
  /** Control label. */
  readonly label: string;
  /** One line on what the control does (the UI shows it under the control). */
  readonly help: string;
  /** Range and step of the UI control (the engine's validation may allow more). */
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  /** True when the config may leave the field out (the engine then uses a default). */
  readonly optional: boolean;
  /** What the engine uses when an optional field is absent, where a control must show it (a checkbox has no "empty"). */
  readonly absentMeans?: ConfigFieldValue;
  readonly group: ConfigFieldGroup;
  /** The field matters only while another (enum) field has one of these values; the UI hides it otherwise. */
  readonly appliesWhen?: { readonly path: string; readonly values: readonly string[] };
}

/** Version of the hash and JSON formats. */
export const CONFIG_FORMAT_VERSION = 1;
/** The "format" value of a config JSON file. */
export const CONFIG_JSON_FORMAT = 'margin-lab-config';
/**
 * Hash keys kept for page state (PAGE_HASH_KEYS in hashState.ts reads them): returned in `extras`, never treated as
 * config or as errors. `run` and `tab` are kept free for later use.
 */
export const RESERVED_HASH_KEYS: readonly string[] = Object.freeze(['preset', 'lesson', 'step', 'view', 'present', 'run', 'tab']);
/**
 * The longest hash read: a link that sets every field is a few hundred characters, so anything near this is not a
 * link the lab wrote, and reading it (one error line per key, each echoing its text) would flood the page.
 */
export const MAX_CONFIG_HASH_LENGTH = 4096;
/** Error lines kept from one hash (one per bad key); the rest are counted in a closing line. */
export const MAX_HASH_ERRORS = 20;
const VERSION_KEY = 'v';
const ABSENT = '~';

/** `text` cut to `max` characters for an error message (a pasted value is echoed, never a page of it). */
function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

type FieldSpec = Omit<ConfigField, 'optional' | 'group'> & { optional?: boolean };
const inGroup = (group: ConfigFieldGroup, specs: FieldSpec[]): ConfigField[] => specs.map((spec) => ({ ...spec, optional: spec.optional ?? false, group }));
const when = (path: string, ...values: string[]) => ({ path, values });

/** Every TrainConfig field, in the order the UI shows them. */
export const CONFIG_FIELDS: readonly ConfigField[] = deepFreeze([
  ...inGroup('model', [
    {
      path: 'model.backbone',
      urlKey: 'bb',
      type: 'enum',
      values: ['resnet50', 'resnet18', 'tiny'],
      label: 'Backbone',
      help: "Network that turns a face crop into an embedding: ResNet50 (the report's), ResNet18, or a tiny CNN for live demos.",
    },
    {
      path: 'model.pretrained',
      urlKey: 'pre',
      type: 'enum',
      values: ['none', 'imagenet'],
      label: 'Initial weights',
      help: 'Start from the Keras ImageNet weights (ResNet50 only) or from random weights.',
      appliesWhen: when('model.backbone', 'resnet50'),
    },
    {
      path: 'model.inputSize',
      urlKey: 'px',
      type: 'int',
      min: 32,
      max: 224,
      step: 8,
      label: 'Input size (px)',
      help: 'Side of the square face crop fed to the network; compute grows with its square.',
    },
    {
      path: 'model.embeddingDim',
      urlKey: 'dim',
      type: 'int',
      min: 2,
      max: 1024,
      step: 1,
      label: 'Embedding size',
      help: 'Length of the feature vector that verification compares between two photos (the report uses 512).',
    },
    {
      path: 'model.l2',
      urlKey: 'l2',
      type: 'number',
      min: 0,
      max: 0.01,
      step: 0.0001,
      label: 'Embedding L2 λ',
      help: "Weight λ of the λ·Σw² penalty on the embedding layer's kernel, added to the loss.",
    },
    {
      path: 'model.width',
      urlKey: 'wid',
      type: 'int',
      optional: true,
      min: 1,
      max: 64,
      step: 1,
      label: 'Base width',
      help: "Channels in the first stage of the tiny CNN or ResNet18; leave empty for the backbone's default.",
      appliesWhen: when('model.backbone', 'tiny', 'resnet18'),
    },
    {
      path: 'model.embeddingNorm',
      urlKey: 'en',
      type: 'enum',
      values: ['none', 'batchnorm'],
      optional: true,
      label: 'Embedding norm',
      help: 'Batch-normalise the embedding (as ArcFace does) so features stay centred instead of collapsing into one cap of the sphere.',
    },
  ]),
  ...inGroup('loss', [
    {
      path: 'loss.kind',
      urlKey: 'loss',
      type: 'enum',
      values: [...LOSS_KINDS],
      label: 'Loss',
      help: 'What the true-class logit gets: nothing (softmax), an intra-class penalty, or an angular/cosine margin.',
    },
    {
      path: 'loss.scale',
      urlKey: 's',
      type: 'number',
      min: 1,
      max: 128,
      step: 1,
      label: 'Scale s',
      help: 'Radius s of the hypersphere: logits are s·cos θ, so a larger s makes the softmax sharper.',
    },
    {
      path: 'loss.alpha',
      urlKey: 'a',
      type: 'number',
      optional: true,
      min: 0,
      max: 10,
      step: 0.1,
      label: 'Intra weight α',
      help: "Weight α of the penalty α/(πN)·Σθ_y that pulls each feature towards its class's weight vector.",
      appliesWhen: when('loss.kind', 'intra'),
    },
    {
      path: 'loss.marginDeg',
      urlKey: 'm',
      type: 'number',
      optional: true,
      min: 0,
      max: 90,
      step: 1,
      label: 'Angular margin m (°)',
      help: 'Additive angular margin m added to the true-class angle, in degrees: the target logit is s·cos(θ + m).',
      appliesWhen: when('loss.kind', 'arcface', 'combined'),
    },
    {
      path: 'loss.cosineMargin',
      urlKey: 'cm',
      type: 'number',
      optional: true,
      min: 0,
      max: 1,
      step: 0.05,
      label: 'Cosine margin',
      help: 'Margin subtracted from the true-class cosine (CosFace m, or m3 of the combined form): s·(cos θ − m).',
      appliesWhen: when('loss.kind', 'cosface', 'combined'),
    },
    {
      path: 'loss.angleFactor',
      urlKey: 'm1',
      type: 'number',
      optional: true,
      min: 1,
      max: 4,
      step: 0.1,
      label: 'Angle factor m1',
      help: 'Multiplies the true-class angle in the combined margin s·(cos(m1·θ + m2) − m3); 1 turns it off.',
      appliesWhen: when('loss.kind', 'combined'),
    },
    {
      path: 'loss.fallback',
      urlKey: 'fb',
      type: 'boolean',
      optional: true,
      absentMeans: true,
      label: 'Fallback past π',
      help: 'Past θ = π − m, where cos(θ + m) turns upward, use a falling cosine instead; off: the plain formula, as in the report.',
      appliesWhen: when('loss.kind', 'arcface', 'combined'),
    },
  ]),
  ...inGroup('optimizer', [
    { path: 'optimizer.kind', urlKey: 'opt', type: 'enum', values: ['sgd', 'adam'], label: 'Optimiser', help: 'SGD with momentum (the ArcFace recipe) or Adam.' },
    {
      path: 'optimizer.lr',
      urlKey: 'lr',
      type: 'number',
      min: 0.00001,
      max: 1,
      step: 0.0001,
      label: 'Learning rate',
      help: 'Base step size of each update; the schedule scales it over the run.',
    },
    { path: 'optimizer.momentum', urlKey: 'mom', type: 'number', min: 0, max: 0.999, step: 0.01, label: 'Momentum', help: "SGD momentum μ (velocity v ← μv + g), or Adam's β1." },
    {
      path: 'optimizer.weightDecay',
      urlKey: 'wd',
      type: 'number',
      min: 0,
      max: 0.01,
      step: 0.0001,
      label: 'Weight decay',
      help: 'Decoupled decay w ← w − lr·wd·w on conv, dense and class-head weights after every update.',
    },
    {
      path: 'optimizer.schedule.kind',
      urlKey: 'lrs',
      type: 'enum',
      values: [...SCHEDULE_KINDS],
      label: 'LR schedule',
      help: 'How the learning rate changes over the run: constant, cut at milestones, or cosine down to a floor.',
    },
    {
      path: 'optimizer.schedule.warmupSteps',
      urlKey: 'wu',
      type: 'int',
      optional: true,
      min: 0,
      max: 10000,
      step: 10,
      label: 'LR warm-up steps',
      help: 'Ramp the learning rate up linearly over this many first steps.',
    },
    {
      path: 'optimizer.schedule.milestones',
      urlKey: 'ms',
      type: 'intList',
      optional: true,
      min: 1,
      label: 'Milestones',
      help: 'Steps at which the learning rate is multiplied by γ, comma-separated and increasing.',
      appliesWhen: when('optimizer.schedule.kind', 'step'),
    },
    {
      path: 'optimizer.schedule.gamma',
      urlKey: 'g',
      type: 'number',
      optional: true,
      min: 0.01,
      max: 1,
      step: 0.01,
      label: 'Decay factor γ',
      help: 'Factor applied to the learning rate at each milestone (0.1 divides it by ten).',
      appliesWhen: when('optimizer.schedule.kind', 'step'),
    },
    {
      path: 'optimizer.schedule.minFactor',
      urlKey: 'lrmin',
      type: 'number',
      optional: true,
      min: 0,
      max: 1,
      step: 0.01,
      label: 'Final LR fraction',
      help: 'Learning rate at the end of the cosine schedule, as a fraction of the base rate.',
      appliesWhen: when('optimizer.schedule.kind', 'cosine'),
    },
  ]),
  ...inGroup('training', [
    {
      path: 'batchSize',
      urlKey: 'bs',
      type: 'int',
      min: 2,
      max: 512,
      step: 1,
      label: 'Batch size',
      help: 'Images per update: larger batches give smoother gradients and use more memory.',
    },
    { path: 'steps', urlKey: 'n', type: 'int', min: 1, max: 100000, step: 10, label: 'Steps', help: 'Number of optimiser updates in the run.' },
    {
      path: 'marginWarmupSteps',
      urlKey: 'mw',
      type: 'int',
      min: 0,
      max: 100000,
      step: 10,
      label: 'Margin warm-up steps',
      help: 'Grow the margin linearly from zero (plain softmax) over this many steps; 0 applies it fully from the start.',
    },
    {
      path: 'flipAugment',
      urlKey: 'flip',
      type: 'boolean',
      label: 'Flip training images',
      help: 'Mirror training images left–right at random (seeded), so the network sees both sides of each face.',
    },
    {
      path: 'seed',
      urlKey: 'seed',
      type: 'int',
      min: 0,
      max: 4294967295,
      step: 1,
      label: 'Seed',
      help: 'Seeds the initial weights, the batch order and the augmentation: the same seed repeats the run.',
    },
    {
      path: 'checkpointEvery',
      urlKey: 'ck',
      type: 'int',
      min: 0,
      max: 100000,
      step: 10,
      label: 'Checkpoint every',
      help: 'Save weights and optimiser state every this many steps so the run can resume; 0 saves only when stopped.',
    },
  ]),
  ...inGroup('evaluation', [
    {
      path: 'evalEvery',
      urlKey: 'ev',
      type: 'int',
      min: 0,
      max: 100000,
      step: 10,
      label: 'Evaluate every',
      help: 'Measure verification on the test pairs every this many steps; 0 measures only at the end.',
    },
    {
      path: 'evalPairs',
      urlKey: 'ep',
      type: 'int',
      min: 20,
      max: 20000,
      step: 20,
      label: 'Test pairs',
      help: 'Number of test pairs, half of the same person and half of different people.',
    },
    { path: 'flipEval', urlKey: 'fe', type: 'boolean', label: 'Flip at test time', help: 'Average each test embedding with that of the mirrored image, as insightface does.' },
  ]),
]);

const FIELD_BY_KEY = new Map(CONFIG_FIELDS.map((f) => [f.urlKey, f]));
const FIELD_BY_PATH = new Map(CONFIG_FIELDS.map((f) => [f.path, f]));
const LOSS_KIND = FIELD_BY_PATH.get('loss.kind')!;
const SCHEDULE_KIND = FIELD_BY_PATH.get('optimizer.schedule.kind')!;

/** The field at `path`, or undefined. */
export function configField(path: string): ConfigField | undefined {
  return FIELD_BY_PATH.get(path);
}

/** The value of `field` in `config` (undefined when an optional field is absent). */
export function readFieldValue(config: TrainConfig, field: ConfigField): ConfigFieldValue {
  let node: unknown = config;
  for (const part of field.path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node as ConfigFieldValue;
}

/** A copy of `config` with `field` set to `value` (undefined removes it). Not validated: see parseTrainConfig. */
export function withFieldValue(config: TrainConfig, field: ConfigField, value: ConfigFieldValue): TrainConfig {
  const copy = JSON.parse(JSON.stringify(config)) as TrainConfig;
  const parts = field.path.split('.');
  let node = copy as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = Array.isArray(value) ? [...value] : value;
  return copy;
}

/** The config a hash starts from: the defaults, with a fresh loss/schedule when its kind differs from the default's. */
function baselineFor(lossKind: ConfigFieldValue, scheduleKind: ConfigFieldValue): TrainConfig {
  const base = JSON.parse(JSON.stringify(DEFAULT_TRAIN_CONFIG)) as TrainConfig;
  if (lossKind !== undefined && lossKind !== DEFAULT_TRAIN_CONFIG.loss.kind) {
    base.loss = { kind: lossKind as TrainConfig['loss']['kind'], scale: DEFAULT_TRAIN_CONFIG.loss.scale };
  }
  if (scheduleKind !== undefined && scheduleKind !== DEFAULT_TRAIN_CONFIG.optimizer.schedule.kind) {
    base.optimizer.schedule = { kind: scheduleKind } as TrainConfig['optimizer']['schedule'];
  }
  return base;
}

function sameValue(a: ConfigFieldValue, b: ConfigFieldValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return a === b;
}

function formatValue(field: ConfigField, value: ConfigFieldValue): string {
  if (value === undefined) return ABSENT;
  if (field.type === 'boolean') return value ? '1' : '0';
  if (field.type === 'intList') return (value as readonly number[]).join(',');
  return String(value); // shortest text that parses back to the same double
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * Why a number is outside a field's range, or undefined: the one rule the form's controls, links and (for the UI)
 * config files share, in the words the form uses. The engine alone would accept `n=1e99` (an integer ≥ 1).
 */
export function fieldRangeError(field: ConfigField, n: number): string | undefined {
  if (field.min !== undefined && n < field.min) return `${field.label} must be at least ${field.min}`;
  if (field.max !== undefined && n > field.max) return `${field.label} must be at most ${field.max}`;
  return undefined;
}

/** Parses one URL value; returns an error message instead of throwing. */
function parseValue(field: ConfigField, text: string): { value: ConfigFieldValue } | { error: string } {
  if (text === ABSENT) return field.optional ? { value: undefined } : { error: `${field.label} cannot be left out` };
  switch (field.type) {
    case 'number':
    case 'int': {
      const n = Number(text);
      if (!DECIMAL.test(text) || !Number.isFinite(n)) return { error: `${field.label} must be a number` };
      if (field.type === 'int' && !Number.isInteger(n)) return { error: `${field.label} must be a whole number` };
      const range = fieldRangeError(field, n);
      return range === undefined ? { value: n } : { error: `${range} (got ${text})` };
    }
    case 'boolean':
      if (text === '1' || text === 'true') return { value: true };
      if (text === '0' || text === 'false') return { value: false };
      return { error: `${field.label} must be 1 or 0` };
    case 'enum':
      return field.values!.includes(text) ? { value: text } : { error: `${field.label} must be one of ${field.values!.join(', ')}` };
    case 'intList': {
      if (text === '') return { value: [] };
      const items = text.split(',').map(Number);
      if (text.split(',').some((t) => !/^\d+$/.test(t))) return { error: `${field.label} must be whole numbers separated by commas` };
      return { value: items };
    }
  }
}

/**
 * The URL hash of `config`: `#v=1` then `key=value` for every field that differs from DEFAULT_TRAIN_CONFIG, in
 * table order, then the `extras` (reserved UI keys only: anything else throws, as it would be lost on decode).
 */
export function encodeConfigHash(config: TrainConfig, extras: Readonly<Record<string, string>> = {}): string {
  const base = baselineFor(config.loss.kind, config.optimizer.schedule.kind);
  const parts = [`${VERSION_KEY}=${CONFIG_FORMAT_VERSION}`];
  for (const field of CONFIG_FIELDS) {
    const value = readFieldValue(config, field);
    const reference = field === LOSS_KIND || field === SCHEDULE_KIND ? readFieldValue(DEFAULT_TRAIN_CONFIG, field) : readFieldValue(base, field);
    // Commas stay readable in milestone lists: they are plain characters in a URL fragment.
    if (!sameValue(value, reference)) parts.push(`${field.urlKey}=${encodeURIComponent(formatValue(field, value)).replaceAll('%2C', ',')}`);
  }
  for (const [key, value] of Object.entries(extras)) {
    if (!RESERVED_HASH_KEYS.includes(key)) throw new Error(`'${key}' is not a reserved hash key (${RESERVED_HASH_KEYS.join(', ')})`);
    parts.push(`${key}=${encodeURIComponent(value)}`);
  }
  return `#${parts.join('&')}`;
}

/** What a hash held: the config (defaults where it said nothing or something wrong), what was wrong, and UI keys. */
export interface DecodedHash {
  config: TrainConfig;
  /** One readable line per unknown key, bad value or rejected setting. */
  errors: string[];
  /** Reserved UI keys (`preset`, `lesson`, …) and their values. */
  extras: Record<string, string>;
}

/** The config from candidate values, or the engine's message for why it is invalid. */
function tryBuild(values: ReadonlyMap<ConfigField, ConfigFieldValue>): { config: TrainConfig } | { error: string } {
  let config = baselineFor(values.get(LOSS_KIND), values.get(SCHEDULE_KIND));
  for (const [field, value] of values) config = withFieldValue(config, field, value);
  try {
    return { config: parseTrainConfig(config) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Reads a URL hash (with or without '#'). Never throws: unknown keys, unreadable values and settings the engine
 * rejects are reported in `errors` and left at their defaults; everything else is applied. A setting the engine
 * rejects is found by leaving fields out one at a time (most specific first) until its message changes.
 */
export function decodeConfigHash(hash: string): DecodedHash {
  if (hash.length > MAX_CONFIG_HASH_LENGTH) {
    const error = `the link's settings are ${hash.length} characters long, more than the ${MAX_CONFIG_HASH_LENGTH} a Margin Lab link may have: they were all ignored`;
    return { config: parseTrainConfig({}), errors: [error], extras: {} };
  }
  const decoded = decodeFields(hash);
  if (decoded.errors.length > MAX_HASH_ERRORS) {
    const more = decoded.errors.length - (MAX_HASH_ERRORS - 1);
    decoded.errors = [...decoded.errors.slice(0, MAX_HASH_ERRORS - 1), `… and ${more} more problems in the link`];
  }
  return decoded;
}

/** decodeConfigHash on a hash within the length limit. */
function decodeFields(hash: string): DecodedHash {
  const errors: string[] = [];
  const extras: Record<string, string> = {};
  const values = new Map<ConfigField, ConfigFieldValue>();
  const rawText = new Map<ConfigField, string>();
  let versionOk = true;
  const seen = new Set<string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let text: string;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      text = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      errors.push(`'${clip(part)}' is not valid URL text`);
      continue;
    }
    if (seen.has(key)) {
      errors.push(`'${clip(key)}' appears more than once; the first value is used`);
      continue;
    }
    seen.add(key);
    if (key === VERSION_KEY) {
      versionOk = text === String(CONFIG_FORMAT_VERSION);
      if (!versionOk) errors.push(`link version v=${clip(text)} is not supported (this lab reads v=${CONFIG_FORMAT_VERSION}); its settings were ignored`);
      continue;
    }
    if (RESERVED_HASH_KEYS.includes(key)) {
      extras[key] = text;
      continue;
    }
    const field = FIELD_BY_KEY.get(key);
    if (!field) {
      errors.push(`unknown setting '${clip(key)}' was ignored`);
      continue;
    }
    const parsed = parseValue(field, text);
    if ('error' in parsed) errors.push(`${key}=${clip(text)}: ${parsed.error.replace(`(got ${text})`, `(got ${clip(text)})`)}`);
    else {
      values.set(field, parsed.value);
      rawText.set(field, text);
    }
  }
  if (!versionOk) values.clear();
  for (;;) {
    const built = tryBuild(values);
    if ('config' in built) return { config: built.config, errors, extras };
    const present = [...values.keys()].reverse();
    const culprit = present.find((field) => {
      const without = new Map(values);
      without.delete(field);
      const other = tryBuild(without);
      return !('error' in other) || other.error !== built.error;
    });
    if (!culprit) {
      errors.push(`settings ignored: ${built.error}`);
      return { config: parseTrainConfig({}), errors, extras };
    }
    errors.push(`${culprit.urlKey}=${clip(rawText.get(culprit) ?? '')}: ${built.error}`);
    values.delete(culprit);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
