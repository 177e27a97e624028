/**
 * "Align faces" in the lab worker: decode a picked photo, have the align worker
 * (workers/align.worker.ts: face-api on a wasm tfjs of its own) find its largest face, and warp
 * it onto the ArcFace template with a canvas transform (the browser's own bilinear resampling;
 * black where the crop leaves the photo). Detection runs once per file and settings
 * (alignCache.ts); later decodes only warp.
 *
 * The lab worker's tfjs is never used here: face-api reads results with dataSync, which breaks
 * WebGPU in a worker, so detection lives in a worker whose tfjs is CPU-only.
 * That worker starts on the first aligned decode (nested dedicated worker), and its models load then.
 */
import * as Comlink from 'comlink';
import { toCanvasConvention, type Affine } from '../../src/core/align/affine.ts';
import { checkAlignOptions, type AlignOptions } from '../../src/core/align/options.ts';
import { cropTransform, type FaceFitResult } from '../../src/ml/align/align.ts';
import type { DecodeOptions } from '../../src/protocol/data.ts';
import type { ReferenceFace } from '../../src/ml/reference/referenceNet.ts';
import type { AlignWorkerApi, LocateImage } from './alignWorkerApi.ts';
import { AlignUnavailableError, describeAlignOptions, NoFaceError, workerAlignCache, type AlignCache } from '../../src/ml/align/alignCache.ts';
import { rgbaToRgb } from '../../src/core/pixels.ts';

/**
 * Photos are shrunk to at most this side before detection: the tiny detector sees 416 px anyway,
 * and a 12-MP photo would otherwise hold a 48 MB int32 tensor per image in flight. Landmarks are
 * found on the face's crop of this copy, which at 1280 px still holds a face of 1/10 the width at 128 px.
 */
export const DETECTION_MAX_SIDE = 1280;

interface StartedAlignWorker {
  readonly remote: Comlink.Remote<AlignWorkerApi>;
  /** Rejects when the worker fails (script not loadable, crashed): comlink alone would wait forever. */
  readonly failed: Promise<never>;
  /** Models made ready, per detector. */
  readonly readied: Map<string, Promise<void>>;
}

let started: StartedAlignWorker | undefined;

function startAlignWorker(): StartedAlignWorker {
  const worker = new Worker(new URL('../align.worker.ts', import.meta.url), { type: 'module', name: 'margin-lab-align' });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener(
      'error',
      (event) => {
        started = undefined;
        worker.terminate();
        reject(new AlignUnavailableError(`the face detector's worker failed: ${event.message || 'it could not be loaded'}`));
      },
      { once: true },
    );
  });
  failed.catch(() => undefined); // Observed through races; an idle worker's failure is no unhandled rejection.
  return { remote: Comlink.wrap<AlignWorkerApi>(worker), failed, readied: new Map() };
}

/** The align worker with `options.detector`'s models loaded; throws AlignUnavailableError when it cannot start. */
async function alignWorker(options: AlignOptions): Promise<StartedAlignWorker> {
  const worker = (started ??= startAlignWorker());
  let ready = worker.readied.get(options.detector);
  if (!ready) {
    ready = Promise.race([worker.remote.ready(options), worker.failed]).then(
      (info) => console.info(`align worker: face-api ${options.detector} detector on tfjs ${info.tfjs}, ${info.backend} backend`),
      (err: unknown) => {
        worker.readied.delete(options.detector);
        throw err instanceof AlignUnavailableError ? err : new AlignUnavailableError(String((err as Error)?.message ?? err));
      },
    );
    worker.readied.set(options.detector, ready);
  }
  await ready;
  return worker;
}

function context2d(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('OffscreenCanvas 2d context is not available in this worker');
  return context;
}

/** The photo shrunk to at most DETECTION_MAX_SIDE, as RGB bytes marked to be transferred (not copied) to the align worker. */
function detectionImage(bitmap: ImageBitmap): LocateImage {
  const scale = Math.min(1, DETECTION_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const context = context2d(width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  const rgb = rgbaToRgb(context.getImageData(0, 0, width, height).data);
  return Comlink.transfer({ rgb, width, height, scale: width / bitmap.width }, [rgb.buffer]);
}

/** Detect the largest face of a decoded photo (in the align worker) and fit it to the template. */
export async function detectFit(bitmap: ImageBitmap, options: AlignOptions): Promise<FaceFitResult> {
  const worker = await alignWorker(options);
  // The bitmap stays here for the warp.
  return Promise.race([worker.remote.locate(detectionImage(bitmap), options), worker.failed]);
}

/**
 * The reference model's view of an image file: its largest face cropped as face-api crops it and described by
 * face-api's recognition network, both in the align worker. Detection and the crop use the copy shrunk to
 * DETECTION_MAX_SIDE (a face a tenth of a 1280-px photo wide is still 128 px, near the network's 150). Rejects
 * when the file cannot be decoded, and with AlignUnavailableError when the align worker cannot start.
 */
export async function describeReferenceFace(file: Blob, options: AlignOptions): Promise<ReferenceFace> {
  const align = checkAlignOptions(options);
  const worker = await alignWorker(align);
  const bitmap = await createImageBitmap(file);
  let image: LocateImage;
  try {
    image = detectionImage(bitmap);
  } finally {
    bitmap.close();
  }
  return Promise.race([worker.remote.describeReference(image, align), worker.failed]);
}

/** Draw `bitmap` through the image → crop map into a `size`² canvas over black; RGB bytes. */
export function warpBitmap(bitmap: ImageBitmap, forward: Affine, size: number): Uint8Array {
  const context = context2d(size, size);
  context.fillStyle = '#000';
  context.fillRect(0, 0, size, size);
  const [a, b, c, d, e, f] = toCanvasConvention(forward);
  // Canvas order is (a, b, c, d, e, f) = (m11, m12, m21, m22, dx, dy): x' = a·x + c·y + e.
  context.setTransform(a, d, b, e, c, f);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0);
  return rgbaToRgb(context.getImageData(0, 0, size, size).data);
}

/** The fit of `file`: from the cache, else detected now (and cached). */
export async function fitOf(file: Blob, bitmap: ImageBitmap, options: AlignOptions, cache: AlignCache = workerAlignCache): Promise<FaceFitResult> {
  const known = cache.get(file, options);
  if (known) return known;
  const found = await detectFit(bitmap, options);
  cache.put(file, options, found);
  return found;
}

/**
 * Decode a file to its aligned `imageSize`² RGB crop. Rejects like decodeToRgb when the file
 * cannot be decoded, and with NoFaceError when no face reaches the threshold.
 */
export async function decodeAligned(file: Blob, options: DecodeOptions & { readonly align: AlignOptions }, cache: AlignCache = workerAlignCache): Promise<Uint8Array> {
  const align = checkAlignOptions(options.align);
  const bitmap = await createImageBitmap(file);
  try {
    const result = await fitOf(file, bitmap, align, cache);
    if (!result.found) throw new NoFaceError(describeAlignOptions(align));
    return warpBitmap(bitmap, cropTransform(result.fit.transform, options.imageSize), options.imageSize);
  } finally {
    bitmap.close();
  }
}
