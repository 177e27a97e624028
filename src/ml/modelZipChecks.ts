/**
 * Checks on a model zip that run before anything large is allocated: people import models others sent
 * them, so a hostile file must be refused from what it declares — its central directory and its model.json — not
 * from what inflating it would cost. fflate's `unzipSync` allocates each deflated entry at its declared size, and its
 * `filter` sees that size first, so the directory is read once with nothing inflated and checked here.
 */
import { unzipSync } from 'fflate';

const MIB = 1024 * 1024;

/** Limits on a model zip. A ResNet50 export is ~100 MB of weights and a 110 KB model.json. */
export const MODEL_ZIP_LIMITS = Object.freeze({
  /** Entries in the zip (a lab export has three). */
  entries: 64,
  /** Bytes of model.json and of run.json once inflated. */
  jsonBytes: 16 * MIB,
  /** Bytes of all weights together (and so of the zip file itself, plus the JSON). */
  weightBytes: 512 * MIB,
  /** Dimensions of one weight tensor. */
  rank: 6,
});

/** The largest zip file worth reading: weights plus both JSON files plus zip overhead. */
export const MAX_MODEL_ZIP_BYTES = MODEL_ZIP_LIMITS.weightBytes + 2 * MODEL_ZIP_LIMITS.jsonBytes + MIB;

/** What the central directory says of one entry. */
export interface ZipEntryInfo {
  name: string;
  /** Compressed bytes. */
  size: number;
  /** Declared uncompressed bytes: what inflating allocates. */
  originalSize: number;
  /** 0 stored, 8 deflated. */
  compression: number;
}

/** Why an entry name is refused, or undefined for a plain relative path. */
function unsafeName(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (name.length === 0 || name.length > 255 || /[\u0000-\u001f\\:]/.test(name)) return 'has an empty, over-long or unsafe name';
  if (name.startsWith('/') || name.split('/').some((part) => part === '..')) return 'points outside the zip (an absolute path or a ".." segment)';
  return undefined;
}

/**
 * Lists a zip's entries from its central directory, inflating nothing, and refuses what no model zip holds: too
 * many entries, unsafe or repeated names, unknown compression, or a stored entry whose sizes disagree. `fail` throws
 * with the reason.
 */
export function zipEntries(bytes: Uint8Array, fail: (reason: string) => never): Map<string, ZipEntryInfo> {
  const entries = new Map<string, ZipEntryInfo>();
  let problem: string | undefined;
  try {
    unzipSync(bytes, {
      filter(info) {
        if (problem) return false;
        if (entries.size >= MODEL_ZIP_LIMITS.entries) problem = `the zip holds more than ${MODEL_ZIP_LIMITS.entries} files`;
        const why = unsafeName(info.name);
        if (why) problem = `the zip entry ${JSON.stringify(info.name.slice(0, 80))} ${why}`;
        else if (entries.has(info.name)) problem = `the zip holds ${info.name} twice`;
        else if (info.compression !== 0 && info.compression !== 8) problem = `the zip entry ${info.name} uses compression method ${info.compression} (only stored or deflated)`;
        else if (info.compression === 0 && info.size !== info.originalSize)
          problem = `the zip entry ${info.name} is stored but declares ${info.originalSize} bytes in ${info.size}`;
        entries.set(info.name, { name: info.name, size: info.size, originalSize: info.originalSize, compression: info.compression });
        return false;
      },
    });
  } catch (err) {
    fail(`the file is not a readable .zip (${(err as Error).message})`);
  }
  if (problem) fail(problem);
  return entries;
}

/** Inflates only the named entries (their declared sizes checked by the caller); a short entry is an error. */
export function inflateEntries(
  bytes: Uint8Array,
  entries: ReadonlyMap<string, ZipEntryInfo>,
  names: readonly string[],
  fail: (reason: string) => never,
): Record<string, Uint8Array> {
  const wanted = new Set(names);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (info) => wanted.has(info.name) });
  } catch (err) {
    fail(`the file is not a readable .zip (${(err as Error).message})`);
  }
  for (const name of names) {
    const declared = entries.get(name)?.originalSize;
    if (files[name]?.byteLength !== declared) fail(`the zip entry ${name} inflates to ${files[name]?.byteLength ?? 0} bytes, not the ${declared} it declares`);
  }
  return files;
}

/** One weight of a manifest, as checked. */
export interface CheckedWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

/** Bytes per element of the weight dtypes a layers model can hold. */
export const DTYPE_BYTES: Readonly<Record<CheckedWeight['dtype'], number>> = Object.freeze({ float32: 4, int32: 4, bool: 1 });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks a model.json weightsManifest: groups of `paths` and `weights`, each weight a name, a dtype this lab reads,
 * no quantisation and a shape of at most MODEL_ZIP_LIMITS.rank non-negative integers whose bytes stay within the
 * weight limit. Returns the weights in order, their total bytes and the shard paths.
 */
export function checkWeightsManifest(manifest: unknown, fail: (reason: string) => never): { weights: CheckedWeight[]; bytes: number; paths: string[] } {
  if (!Array.isArray(manifest)) fail('model.json is not a TF.js layers model (weightsManifest is not a list)');
  const weights: CheckedWeight[] = [];
  const paths: string[] = [];
  let bytes = 0;
  for (const group of manifest as unknown[]) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) fail('model.json has a weightsManifest group without paths and weights lists');
    for (const path of group.paths) {
      if (typeof path !== 'string') fail('model.json names a weight file that is not a string');
      paths.push(path);
    }
    for (const w of group.weights as unknown[]) {
      if (!isObject(w) || typeof w.name !== 'string') fail('model.json has a weight without a name');
      const label = `weight ${JSON.stringify(w.name.slice(0, 80))}`;
      if (w.quantization !== undefined) fail(`${label} is quantised, which this lab does not read`);
      const per = typeof w.dtype === 'string' && Object.hasOwn(DTYPE_BYTES, w.dtype) ? DTYPE_BYTES[w.dtype as CheckedWeight['dtype']] : undefined;
      if (per === undefined) fail(`${label} has dtype ${JSON.stringify(w.dtype)}, which this lab does not read`);
      const shape = w.shape;
      if (!Array.isArray(shape) || shape.length > MODEL_ZIP_LIMITS.rank || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        fail(`${label} has shape ${JSON.stringify(shape)?.slice(0, 80)}: not a list of at most ${MODEL_ZIP_LIMITS.rank} non-negative integers`);
      }
      // Multiplied step by step against the limit, so an absurd shape stops before its product overflows.
      let size = per;
      for (const d of shape as number[]) {
        size *= d;
        if (size > MODEL_ZIP_LIMITS.weightBytes)
          fail(`${label} has shape [${shape.join(', ')}]: more than the ${MODEL_ZIP_LIMITS.weightBytes / MIB} MiB of weights a model may hold`);
      }
      bytes += size;
      if (bytes > MODEL_ZIP_LIMITS.weightBytes) fail(`the manifest describes more than ${MODEL_ZIP_LIMITS.weightBytes / MIB} MiB of weights`);
      weights.push({ name: w.name, shape: shape as number[], dtype: w.dtype as CheckedWeight['dtype'] });
    }
  }
  return { weights, bytes, paths };
}

/** The [height, width, channels] of a layers topology's input layer, when it names one. */
export function topologyInputShape(topology: Record<string, unknown>): unknown[] | undefined {
  const config = topology.config;
  if (!isObject(config) || !Array.isArray(config.layers)) return undefined;
  for (const layer of config.layers as unknown[]) {
    if (!isObject(layer) || layer.class_name !== 'InputLayer' || !isObject(layer.config)) continue;
    const shape = layer.config.batch_input_shape ?? layer.config.batch_shape;
    return Array.isArray(shape) ? shape.slice(1) : undefined;
  }
  return undefined;
}
