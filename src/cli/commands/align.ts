/**
 * `npm run lab -- align --data DIR --out DIR`: detect, align and crop every face image of a
 * dataset folder in Node, as "Align faces" does in the browser: the largest face of each image is
 * carried by a 5-point similarity onto the ArcFace 112×112 template and written as a PNG under
 * the same identity folder in OUT ('alice/1.jpg' → 'alice/1.png'). Images without a face at the
 * score threshold are left out and listed with the reason 'no-face', as the report dropped them
 * (42,100 → 39,677).
 *
 * A root pairs.txt (LFW format: identity name and 1-based image number in the folder's sorted usable
 * images) goes into OUT too, its numbers rewritten so that each pair names the same photos in OUT
 * (a photo left out shifts the numbers after it); pairs naming a photo without a face are left
 * out, said on stderr and listed in the report's `pairsTxt`.
 *
 * stdout: one JSON object (AlignReport); OUT/align-report.json holds the same plus every image's
 * faces, score and eye error. Detection: `@vladmandic/face-api`'s Node wasm build, on the tfjs
 * wasm backend by default (measured ~8× faster than cpu for the tiny detector).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import sharp from 'sharp';
import { checkAlignOptions, DEFAULT_ALIGN_OPTIONS, type AlignOptions, type FaceDetectorName } from '../../core/align/options.ts';
import { buildInventory, type Identity, type ScannedFile } from '../../core/dataset/inventory.ts';
import { formatPairsTxt, pairsTxtFolds, parsePairsTxt, type ImageRef, type PairRef } from '../../core/pairsTxt.ts';
import type { FaceApiModule, ModelFileReader } from '../../ml/align/faceApi.ts';
import { intOption, parseOptions, UsageError } from '../args.ts';
import { encodeRgbPng } from '../png.ts';
import { scanDir } from '../scanDir.ts';

/** One-line description for `lab` without arguments. */
export const summary = 'align --data DIR --out DIR: detect faces, write ArcFace-aligned 112×112 PNGs, list images without a face (JSON)';

const USAGE = 'usage: lab align --data DIR --out DIR [--detector tiny|ssd] [--score 0.5] [--size 112] [--backend wasm|cpu]';

/** What happened to one image. */
export interface AlignedImage {
  /** Path relative to DATA ('/'-separated). */
  readonly path: string;
  /** Path of the PNG relative to OUT; absent when no face was found. */
  readonly out?: string;
  /** Faces found at or above the threshold (the largest was aligned). */
  readonly faces: number;
  readonly score?: number;
  /** Eye centres' distances from the template, in 112-crop pixels (fit residual). */
  readonly eyeErrors?: readonly [number, number];
  /** Wall-clock seconds for decode, detection and warp. */
  readonly seconds: number;
}

/** The JSON `lab align` prints (the report file adds `perImage`). */
export interface AlignReport {
  readonly detector: FaceDetectorName;
  readonly scoreThreshold: number;
  readonly size: number;
  readonly backend: string;
  /** Identities and images before alignment (the ingestion rules), and after it. */
  readonly before: { readonly identities: number; readonly images: number };
  readonly after: { readonly identities: number; readonly images: number };
  /** Images where no face was found: left out. */
  readonly noFace: { path: string; reason: string; reasonCode: string }[];
  /** Every skipped file (the scanner's reasons plus 'no-face'). */
  readonly skipped: { path: string; reason: string; reasonCode: string }[];
  /** What became of a root pairs.txt; absent when DATA has none. */
  readonly pairsTxt?: AlignedPairs;
  readonly seconds: number;
}

/** A root pairs.txt carried into OUT. */
export interface AlignedPairs {
  /** Pairs in DATA's pairs.txt, and in OUT's (those naming a photo without a face are left out). */
  readonly pairs: number;
  readonly kept: number;
  /** Images (paths relative to DATA) that pairs name but that had no face. */
  readonly noFaceImages: string[];
  /** True when some image number changed so as to name the same photo in OUT. */
  readonly renumbered: boolean;
  /** Why DATA's pairs.txt was not carried (it does not parse, or names images the folder lacks); counts are 0. */
  readonly problem?: string;
}

/** Settings of alignFolder. */
export interface AlignFolderOptions extends AlignOptions {
  /** Side of the crops (112: the template's own size). */
  readonly size: number;
  readonly backend: 'wasm' | 'cpu';
}

const require = createRequire(import.meta.url);

/**
 * face-api's Node build on the wasm backend's package (it requires @tensorflow/tfjs and
 * @tensorflow/tfjs-backend-wasm, never tfjs-node), plus a reader of its model folder.
 */
export function loadNodeFaceApi(): { faceapi: FaceApiModule; readModel: ModelFileReader } {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const readModel: ModelFileReader = async (name) => {
    const bytes = await readFile(join(modelDir, name));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  };
  return { faceapi, readModel };
}

/** Decode a photo to RGB with EXIF orientation applied, as the browser's decoder does. */
export async function decodePhoto(path: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path, { limitInputPixels: false }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** 'alice/1.jpg' → 'alice/1.png', or 'alice/1.jpg.png' when another image of the folder already took that name. */
function outputName(path: string, taken: Set<string>): string {
  const parsed = posix.parse(path);
  let name = posix.join(parsed.dir, `${parsed.name}.png`);
  if (taken.has(name)) name = posix.join(parsed.dir, `${parsed.base}.png`);
  taken.add(name);
  return name;
}

/** DATA's root pairs.txt (any letter case, as the page finds it), or undefined. */
async function rootPairsTxt(dataDir: string): Promise<string | undefined> {
  const name = (await readdir(dataDir)).find((entry) => entry.toLowerCase() === 'pairs.txt');
  return name === undefined ? undefined : join(dataDir, name);
}

/**
 * `text` (DATA's pairs.txt) for OUT: each image number points at the same photo among OUT's images (`outOf` maps
 * DATA paths to OUT paths; `before` and `after` are the two folders' identities), and pairs naming a photo without
 * a face are left out. The text is kept as it is when nothing changes (its folds header included).
 */
export function alignPairsTxt(text: string, before: readonly Identity[], after: readonly Identity[], outOf: ReadonlyMap<string, string>): { text: string; report: AlignedPairs } {
  const pairs = parsePairsTxt(text);
  const beforeByKey = new Map(before.map((id) => [id.key, id]));
  const afterByKey = new Map(after.map((id) => [id.key, id]));
  const noFace = new Set<string>();
  let renumbered = false;
  /** The OUT reference of `ref`, or undefined when its photo has no face. */
  const moved = (ref: ImageRef, pair: number): ImageRef | undefined => {
    const key = ref.identity.normalize('NFC');
    const path = beforeByKey.get(key)?.files[ref.index - 1];
    if (path === undefined) throw new Error(`pairs.txt pair ${pair}: no image ${ref.index} of '${ref.identity}' in the folder`);
    const out = outOf.get(path);
    if (out === undefined) {
      noFace.add(path);
      return undefined;
    }
    const index = afterByKey.get(key)!.files.indexOf(out) + 1;
    if (index !== ref.index) renumbered = true;
    return { identity: ref.identity, index };
  };
  const kept: PairRef[] = [];
  pairs.forEach((pair, i) => {
    const a = moved(pair.a, i + 1);
    const b = moved(pair.b, i + 1);
    if (a && b) kept.push({ a, b, same: pair.same });
  });
  const report: AlignedPairs = { pairs: pairs.length, kept: kept.length, noFaceImages: [...noFace].sort(), renumbered };
  if (kept.length === pairs.length && !renumbered) return { text, report };
  // The header's folds (LFW: '10<TAB>300') survive when every pair does; otherwise it becomes the pair count.
  const folds = kept.length === pairs.length ? pairsTxtFolds(text) : undefined;
  return { text: formatPairsTxt(kept, folds === undefined ? {} : { folds }), report };
}

const describeSettings = (o: AlignOptions) => `${o.detector} detector, score ≥ ${o.scoreThreshold}`;

/** Align every usable image of `dataDir` into `outDir`; returns the report and each image's outcome. */
export async function alignFolder(dataDir: string, outDir: string, options: AlignFolderOptions): Promise<{ report: AlignReport; perImage: AlignedImage[] }> {
  const started = performance.now();
  const { startBackend } = await import('./train.ts');
  await startBackend(options.backend);
  const tf = await import('@tensorflow/tfjs');
  const { loadFaceModels } = await import('../../ml/align/faceApi.ts');
  const { cropTransform, locateFace } = await import('../../ml/align/align.ts');
  const { warpToBytes } = await import('../../ml/align/warp.ts');
  const { faceapi, readModel } = loadNodeFaceApi();
  await loadFaceModels(faceapi, options.detector, readModel);

  const scanned = await scanDir(dataDir);
  const usable = new Set(scanned.inventory.identities.flatMap((id) => id.files));
  const taken = new Set<string>();
  const perImage: AlignedImage[] = [];
  const withFaces: ScannedFile[] = [];
  for (const file of scanned.files) {
    if (!usable.has(file.path)) {
      withFaces.push(file);
      continue;
    }
    const t0 = performance.now();
    const photo = await decodePhoto(join(dataDir, file.path));
    const image = tf.tensor3d(photo.rgb, [photo.height, photo.width, 3], 'int32');
    try {
      const located = await locateFace(faceapi, image, options);
      if (!located.found) {
        perImage.push({ path: file.path, faces: 0, seconds: (performance.now() - t0) / 1000 });
        withFaces.push({ ...file, face: { found: false, detail: describeSettings(options) } });
        continue;
      }
      const crop = await warpToBytes(image, cropTransform(located.fit.transform, options.size), options.size);
      const out = outputName(file.path, taken);
      await mkdir(dirname(join(outDir, out)), { recursive: true });
      await writeFile(join(outDir, out), encodeRgbPng(crop, options.size, options.size));
      const { faces, score, eyeErrors } = located.fit;
      perImage.push({ path: file.path, out, faces, score, eyeErrors, seconds: (performance.now() - t0) / 1000 });
      withFaces.push({ ...file, face: { found: true } });
    } finally {
      image.dispose();
    }
  }

  const after = buildInventory(withFaces);
  await mkdir(outDir, { recursive: true });
  const pairsTxt = await carryPairsTxt(dataDir, outDir, scanned.inventory.identities, perImage);
  const listed = (s: (typeof after.skipped)[number]) => ({ path: s.path, reason: s.reason.message, reasonCode: s.reason.code });
  const report: AlignReport = {
    detector: options.detector,
    scoreThreshold: options.scoreThreshold,
    size: options.size,
    backend: options.backend,
    before: { identities: scanned.inventory.identities.length, images: scanned.inventory.images },
    after: { identities: after.identities.length, images: after.images },
    noFace: after.skipped.filter((s) => s.reason.code === 'no-face').map(listed),
    skipped: after.skipped.map(listed),
    ...(pairsTxt ? { pairsTxt } : {}),
    seconds: (performance.now() - started) / 1000,
  };
  await writeFile(join(outDir, 'align-report.json'), `${JSON.stringify({ ...report, perImage }, null, 1)}\n`);
  return { report, perImage };
}

/**
 * DATA's root pairs.txt written into OUT (alignPairsTxt), with a warning on stderr when pairs named photos without
 * a face; undefined when DATA has none.
 */
async function carryPairsTxt(dataDir: string, outDir: string, before: readonly Identity[], perImage: readonly AlignedImage[]): Promise<AlignedPairs | undefined> {
  const source = await rootPairsTxt(dataDir);
  if (source === undefined) return undefined;
  const outOf = new Map(perImage.flatMap((image) => (image.out === undefined ? [] : [[image.path, image.out] as const])));
  // OUT as the lab will read it (the same scan rules), so the new numbers are the ones it counts.
  const after = (await scanDir(outDir)).inventory.identities;
  let aligned;
  try {
    aligned = alignPairsTxt(await readFile(source, 'utf8'), before, after, outOf);
  } catch (err) {
    // The faces are aligned all the same: a bad pairs.txt (the page refuses it too) should not cost the run.
    const problem = (err as Error).message;
    process.stderr.write(`lab align: warning: ${source} is not carried into ${outDir}: ${problem}\n`);
    return { pairs: 0, kept: 0, noFaceImages: [], renumbered: false, problem };
  }
  const { text, report } = aligned;
  await writeFile(join(outDir, 'pairs.txt'), text);
  if (report.noFaceImages.length > 0) {
    const shown = report.noFaceImages.slice(0, 5).join(', ') + (report.noFaceImages.length > 5 ? ', …' : '');
    process.stderr.write(
      `lab align: warning: pairs.txt names ${report.noFaceImages.length} image(s) without a face (${shown}): the ${report.pairs - report.kept} pair(s) with them are left out of ${join(outDir, 'pairs.txt')}, ${report.kept} of ${report.pairs} kept${report.renumbered ? '; image numbers rewritten to name the same photos' : ''} (align-report.json: pairsTxt)\n`,
    );
  }
  return report;
}

/** Parse `--score`: a number in [0, 1]. */
function scoreOption(value: string): number {
  const score = Number(value);
  if (value.trim() === '' || !(score >= 0 && score <= 1)) throw new UsageError(`--score must be a number in [0, 1], got '${value}'`);
  return score;
}

/** Run `lab align`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    detector: { type: 'string', default: DEFAULT_ALIGN_OPTIONS.detector },
    score: { type: 'string', default: String(DEFAULT_ALIGN_OPTIONS.scoreThreshold) },
    size: { type: 'string', default: '112' },
    backend: { type: 'string', default: 'wasm' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
  if (values.data === undefined) throw new UsageError(`--data is required\n${USAGE}`);
  if (values.out === undefined) throw new UsageError(`--out is required\n${USAGE}`);
  if (values.detector !== 'tiny' && values.detector !== 'ssd') throw new UsageError(`--detector must be tiny or ssd, got '${values.detector}'`);
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got '${values.backend}'`);
  const options: AlignFolderOptions = {
    ...checkAlignOptions({ detector: values.detector, scoreThreshold: scoreOption(values.score) }),
    size: intOption(values.size, 'size', 16, 1024),
    backend: values.backend,
  };
  let result;
  try {
    result = await alignFolder(values.data, values.out, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`cannot read '${values.data}': ${(err as Error).message.split('\n')[0]}`);
    throw err;
  }
  process.stdout.write(`${JSON.stringify(result.report)}\n`);
  return 0;
}
