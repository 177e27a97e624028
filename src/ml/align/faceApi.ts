/**
 * Face detection and 68-point landmarks through `@vladmandic/face-api` (MIT), injected rather than
 * imported: the browser worker passes `dist/face-api.esm-nobundle.js` (which shares the app's
 * tfjs), Node passes `dist/face-api.node-wasm.js` (the ESM build's imports lack file extensions,
 * so Node cannot load it). Both share the tfjs instance this module uses.
 *
 * Weights load from the package's own files (model/*-weights_manifest.json + .bin) through a
 * caller-given reader (fetch in the browser, fs in Node), decoded with tf.io.decodeWeights and
 * handed to face-api's `loadFromWeightMap`; face-api's own loaders would need its environment
 * shims (fetch/fs detection), which a module worker does not satisfy.
 */
import * as tf from '@tensorflow/tfjs';
import type { Point } from '../../core/align/affine.ts';
import { TINY_DETECTOR_INPUT_SIZE, type AlignOptions, type FaceDetectorName } from '../../core/align/options.ts';
import type { FaceBox } from '../../core/align/template.ts';

/** One of face-api's networks, as far as the lab uses it. */
export interface FaceApiNet {
  readonly isLoaded: boolean;
  loadFromWeightMap(weightMap: tf.NamedTensorMap): void;
}

/** What face-api returns per face from `detectAllFaces(…).withFaceLandmarks()`. */
export interface FaceApiResult {
  readonly detection: { readonly box: FaceBox; readonly score: number };
  readonly landmarks: { readonly positions: readonly Point[] };
}

/** The part of the face-api module the lab calls (structural, so either build fits). */
export interface FaceApiModule {
  readonly nets: {
    readonly tinyFaceDetector: FaceApiNet;
    readonly ssdMobilenetv1: FaceApiNet;
    readonly faceLandmark68Net: FaceApiNet;
  };
  readonly TinyFaceDetectorOptions: new (options: { inputSize?: number; scoreThreshold?: number }) => object;
  readonly SsdMobilenetv1Options: new (options: { minConfidence?: number; maxResults?: number }) => object;
  detectAllFaces(input: tf.Tensor3D, options: object): { withFaceLandmarks(): PromiseLike<FaceApiResult[]> };
  detectFaceLandmarks(input: tf.Tensor3D): PromiseLike<{ readonly positions: readonly Point[] } | readonly { readonly positions: readonly Point[] }[]>;
}

/** Reads one file of face-api's model folder by name (e.g. 'tiny_face_detector_model.bin'). */
export type ModelFileReader = (name: string) => Promise<ArrayBuffer>;

/** File stem of each network's weights in face-api's model folder. */
export const FACE_MODEL_FILES = Object.freeze({
  tiny: 'tiny_face_detector_model',
  ssd: 'ssd_mobilenetv1_model',
  landmarks: 'face_landmark_68_model',
});

/** A detected face in the coordinates of the image given to the detector. */
export interface DetectedFace {
  readonly box: FaceBox;
  readonly score: number;
  /** The 68 landmarks (iBUG 300-W order). */
  readonly landmarks: readonly Point[];
}

interface ManifestGroup {
  readonly paths: readonly string[];
  readonly weights: tf.io.WeightsManifestEntry[];
}

/** Decode one network's weights from its manifest and shards. */
export async function readWeightMap(read: ModelFileReader, stem: string): Promise<tf.NamedTensorMap> {
  const manifest = JSON.parse(new TextDecoder().decode(await read(`${stem}-weights_manifest.json`))) as ManifestGroup[];
  const buffers: ArrayBuffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    for (const path of group.paths) buffers.push(await read(path));
    specs.push(...group.weights);
  }
  return tf.io.decodeWeights(buffers, specs);
}

async function ensureLoaded(net: FaceApiNet, read: ModelFileReader, stem: string): Promise<void> {
  if (net.isLoaded) return;
  net.loadFromWeightMap(await readWeightMap(read, stem));
}

/** Load the chosen detector and the 68-point landmark net (each once per module). */
export async function loadFaceModels(faceapi: FaceApiModule, detector: FaceDetectorName, read: ModelFileReader): Promise<void> {
  const net = detector === 'tiny' ? faceapi.nets.tinyFaceDetector : faceapi.nets.ssdMobilenetv1;
  await ensureLoaded(net, read, FACE_MODEL_FILES[detector]);
  await ensureLoaded(faceapi.nets.faceLandmark68Net, read, FACE_MODEL_FILES.landmarks);
}

/** SSD returns at most this many faces (face-api's default is 100; a photo of a crowd is no training image). */
const SSD_MAX_RESULTS = 50;

/**
 * Every face scoring at least `options.scoreThreshold` in an RGB image (H×W×3, int32 or float in
 * [0, 255]), with its 68 landmarks. Models must be loaded (loadFaceModels). The image is not disposed.
 */
export async function detectFaces(faceapi: FaceApiModule, image: tf.Tensor3D, options: AlignOptions): Promise<DetectedFace[]> {
  const detectorOptions =
    options.detector === 'tiny'
      ? new faceapi.TinyFaceDetectorOptions({ inputSize: TINY_DETECTOR_INPUT_SIZE, scoreThreshold: options.scoreThreshold })
      : new faceapi.SsdMobilenetv1Options({ minConfidence: options.scoreThreshold, maxResults: SSD_MAX_RESULTS });
  const results = await faceapi.detectAllFaces(image, detectorOptions).withFaceLandmarks();
  return results.map((r) => ({
    box: { x: r.detection.box.x, y: r.detection.box.y, width: r.detection.box.width, height: r.detection.box.height },
    score: r.detection.score,
    landmarks: r.landmarks.positions.map((p) => ({ x: p.x, y: p.y })),
  }));
}

/** The 68 landmarks of the face that fills `image` (no detection: the whole image is the face box), e.g. to check a crop. */
export async function landmarksOfCrop(faceapi: FaceApiModule, image: tf.Tensor3D): Promise<Point[]> {
  const found = await faceapi.detectFaceLandmarks(image);
  const one = Array.isArray(found) ? found[0] : found;
  return (one as { positions: readonly Point[] }).positions.map((p) => ({ x: p.x, y: p.y }));
}
