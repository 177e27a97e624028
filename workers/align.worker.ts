/**
 * Face detection and landmarks for "Align faces", in a dedicated module worker with its own tfjs
 * on the wasm backend (CPU). The lab worker starts it (workers/data/align.ts) and keeps the warp
 * and the cache; this worker only finds faces.
 *
 * Why a worker of its own: face-api reads its results with dataSync, which on WebGPU in a worker
 * returns zeros and breaks the backend — and the lab worker trains on WebGPU.
 * Here tfjs never sees WebGPU: the tiny detector is cheap on wasm (~0.3–0.5 s per 1920-px photo). The
 * reference model (face-api's recognition network, src/ml/reference) runs here for the same reason.
 *
 * face-api is its ESM build without a bundled tfjs, so it runs on this worker's tfjs. Weights are
 * the package's own files, served under /models/face-api/ (vite.config.ts STATIC_MODEL_DIRS).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'; // importing it registers the wasm backend
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { checkAlignOptions } from '../src/core/align/options.ts';
import { locateFace } from '../src/ml/align/align.ts';
import { loadFaceModels, type ModelFileReader } from '../src/ml/align/faceApi.ts';
import { describeLargestFace, loadReferenceNet, type ReferenceFaceApi } from '../src/ml/reference/referenceNet.ts';
import type { AlignWorkerApi, LocateImage } from './data/alignWorkerApi.ts';

/** URL prefix of face-api's model files (served from node_modules/@vladmandic/face-api/model). */
export const FACE_MODEL_URL = '/models/face-api/';

/** Backends tried in order: wasm first (fastest CPU path), tfjs's plain-JS cpu if wasm cannot start. */
const BACKEND_ORDER = ['wasm', 'cpu'] as const;

const fetchModelFile: ModelFileReader = async (name) => {
  const response = await fetch(new URL(FACE_MODEL_URL + name, self.location.href));
  if (!response.ok) throw new Error(`could not fetch face model ${name} from ${FACE_MODEL_URL}: HTTP ${response.status}`);
  return response.arrayBuffer();
};

/** Stands for the DOM classes a worker lacks: face-api's `instanceof` checks on inputs then say no. */
class NotInWorker {}

/**
 * face-api looks up its platform (canvas, image and video classes, fetch) on every input, and
 * knows only a window or Node: in a worker `getEnv` throws "environment is not defined". The lab
 * gives it tensors only, so the worker's OffscreenCanvas and fetch stand in and media classes never match.
 */
function installWorkerEnv(env: { setEnv(env: object): void; getEnv(): object }): void {
  try {
    env.getEnv();
    return;
  } catch {
    // Not a browser window nor Node: a worker.
  }
  const unsupported = () => {
    throw new Error('face-api media elements are not available in a worker: pass tensors');
  };
  env.setEnv({
    Canvas: OffscreenCanvas,
    CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D,
    Image: NotInWorker,
    ImageData,
    Video: NotInWorker,
    createCanvasElement: () => new OffscreenCanvas(1, 1),
    createImageElement: unsupported,
    createVideoElement: unsupported,
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
    readFile: unsupported,
  });
}

/** Start the first backend of BACKEND_ORDER that works (tfjs quietly stays elsewhere on failure: checked). */
async function startBackend(): Promise<string> {
  // One thread: the align worker runs beside training, whose wasm threads take the other cores (workers/wasmSetup.ts).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  const failures: string[] = [];
  for (const name of BACKEND_ORDER) {
    try {
      if ((await tf.setBackend(name)) && tf.getBackend() === name) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: tfjs could not initialise it`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`the face detector's tfjs could not start (${failures.join('; ')})`);
}

let backend: Promise<string> | undefined;
let faceApiModule: Promise<ReferenceFaceApi> | undefined;

/** face-api on this worker's tfjs, its backend started (each once). */
async function faceApi(): Promise<ReferenceFaceApi> {
  backend ??= startBackend();
  await backend;
  faceApiModule ??= import('@vladmandic/face-api/dist/face-api.esm-nobundle.js').then((m) => {
    installWorkerEnv(m.env as unknown as { setEnv(env: object): void; getEnv(): object });
    return m as unknown as ReferenceFaceApi;
  });
  return faceApiModule;
}

/** Detections run one at a time: a single wasm thread gains nothing from interleaving, and memory stays at one image. */
let queue: Promise<unknown> = Promise.resolve();

function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** The photo's RGB bytes as an int32 tensor, after checking they are what the sender says. */
function imageTensor(image: LocateImage): tf.Tensor3D {
  if (image.rgb.length !== image.width * image.height * 3) {
    throw new RangeError(`expected ${image.width}×${image.height}×3 RGB bytes, got ${image.rgb.length}`);
  }
  return tf.tensor3d(image.rgb, [image.height, image.width, 3], 'int32');
}

const api: AlignWorkerApi = {
  async ready(options) {
    const faceapi = await faceApi();
    await loadFaceModels(faceapi, checkAlignOptions(options).detector, fetchModelFile);
    return { backend: await backend!, tfjs: tf.version.tfjs };
  },

  locate(image, options) {
    return serially(async () => {
      const align = checkAlignOptions(options);
      const faceapi = await faceApi();
      await loadFaceModels(faceapi, align.detector, fetchModelFile);
      const tensor = imageTensor(image);
      try {
        return await locateFace(faceapi, tensor, align, image.scale);
      } finally {
        tensor.dispose();
      }
    });
  },

  // The reference model runs here too: face-api's recognition network reads its results like the detector does.
  describeReference(image, options) {
    return serially(async () => {
      const align = checkAlignOptions(options);
      const faceapi = await faceApi();
      await loadFaceModels(faceapi, align.detector, fetchModelFile);
      await loadReferenceNet(faceapi, fetchModelFile);
      const tensor = imageTensor(image);
      try {
        const face = await describeLargestFace(faceapi, tensor, align);
        // The crop and descriptor go back transferred, not copied.
        return face.found ? Comlink.transfer(face, [face.crop.buffer as ArrayBuffer, face.embedding.buffer as ArrayBuffer]) : face;
      } finally {
        tensor.dispose();
      }
    });
  },
};

Comlink.expose(api);
