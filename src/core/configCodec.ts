/**
 * The training config as data: one table of fields (CONFIG_FIELDS, configFields.ts) drives the URL hash
 * (`#v=1&loss=arcface&m=30`), the JSON config files and the UI's controls (label and one-line help per field).
 * Validation stays the engine's: every decoded config goes through parseTrainConfig.
 *
 * Hash rules: only fields that differ from DEFAULT_TRAIN_CONFIG are written, after `v=1`. A loss or schedule
 * of another kind than the default starts from that kind alone (as parseTrainConfig merges it), so its other
 * fields are compared with that fresh start. `~` marks an optional field the default has but the config
 * lacks. Keys reserved for page state (`preset`, `lesson`, `view`, …) pass through in `extras`; hashState.ts reads
 * them and is what the page calls.
 */
import { DEFAULT_TRAIN_CONFIG, parseTrainConfig, type TrainConfig } from './trainConfig.ts';
import { CONFIG_FIELDS, type ConfigField, type ConfigFieldValue } from './configFields.ts';

export { CONFIG_FIELDS, type ConfigField, type ConfigFieldGroup, type ConfigFieldType, type ConfigFieldValue } from './configFields.ts';

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
