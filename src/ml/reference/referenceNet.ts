/**
 * The reference model on tfjs: face-api's recognition network loaded from its shipped weights through a file
 * reader (fetch in the browser, fs in Node), face-api's descriptor crop cut from a photo, and descriptors of a
 * batch of crops. face-api is injected as in ../align/faceApi.ts (its ESM build in the browser worker, its Node
 * build in tests), and shares this module's tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import type { AlignOptions } from '../../core/align/options.ts';
import { largestFaceIndex, type FaceBox } from '../../core/align/template.ts';
import { centredSquarePadding, faceApiDescriptorBox, normalizeRows, REFERENCE_DIM, REFERENCE_INPUT_SIZE } from '../../core/reference/faceApiReference.ts';
import { detectFaces, readWeightMap, type FaceApiModule, type FaceApiNet, type ModelFileReader } from '../align/faceApi.ts';

/** File stem of the recognition network's weights in face-api's model folder. */
export const REFERENCE_MODEL_FILE = 'face_recognition_model';

/** face-api's recognition network, as far as the lab uses it. */
export interface FaceRecognitionNet extends FaceApiNet {
  /** Descriptors of one face image (a Float32Array) or of several (an array of them), each resized to 150² inside. */
  computeFaceDescriptor(input: tf.Tensor3D | tf.Tensor3D[]): Promise<Float32Array | Float32Array[]>;
}

/** The face-api module with its recognition network (both builds have it). */
export type ReferenceFaceApi = FaceApiModule & { readonly nets: FaceApiModule['nets'] & { readonly faceRecognitionNet: FaceRecognitionNet } };

/** Load the recognition network's weights (once per module). */
export async function loadReferenceNet(faceapi: ReferenceFaceApi, read: ModelFileReader): Promise<void> {
  const net = faceapi.nets.faceRecognitionNet;
  if (!net.isLoaded) net.loadFromWeightMap(await readWeightMap(read, REFERENCE_MODEL_FILE));
}

/**
 * face-api's descriptor crop of `box` as 150² RGB bytes: the box's pixels, padded to a centred square with black,
 * resized bilinearly (tf.image.resizeBilinear without corner alignment, as face-api's `toBatchTensor`) and rounded.
 * The image (H×W×3, any numeric dtype) is not disposed.
 */
export async function cropForReference(image: tf.Tensor3D, box: FaceBox): Promise<Uint8Array> {
  if (box.width <= 0 || box.height <= 0) throw new Error('the face box lies outside the image');
  const size = REFERENCE_INPUT_SIZE;
  const bytes = tf.tidy(() => {
    let face = tf.slice3d(image, [box.y, box.x, 0], [box.height, box.width, 3]).toFloat();
    const pad = centredSquarePadding(box.width, box.height);
    if (pad.axis !== 'none') {
      const margins: [number, number] = [pad.before, pad.after];
      face = tf.pad(face, pad.axis === 'x' ? [[0, 0], margins, [0, 0]] : [margins, [0, 0], [0, 0]]);
    }
    const side = face.shape[0];
    const resized = side === size ? face : tf.image.resizeBilinear(face, [size, size], false, false);
    return resized.round().clipByValue(0, 255);
  });
  try {
    return Uint8Array.from(await bytes.data());
  } finally {
    bytes.dispose();
  }
}

/**
 * Raw descriptors (as the network gives them, not unit length) of `count` packed 150² RGB crops, row-major
 * [count, 128]. The network must be loaded (loadReferenceNet).
 */
export async function describeCrops(faceapi: ReferenceFaceApi, crops: Uint8Array, count: number): Promise<Float32Array> {
  const per = REFERENCE_INPUT_SIZE * REFERENCE_INPUT_SIZE * 3;
  if (crops.length !== count * per) throw new Error(`${crops.length} bytes are not ${count} face crops of ${REFERENCE_INPUT_SIZE}×${REFERENCE_INPUT_SIZE}×3`);
  const out = new Float32Array(count * REFERENCE_DIM);
  if (count === 0) return out;
  const faces = Array.from({ length: count }, (_, i) => tf.tensor3d(crops.subarray(i * per, (i + 1) * per), [REFERENCE_INPUT_SIZE, REFERENCE_INPUT_SIZE, 3], 'int32'));
  try {
    // A one-element array is still a batch input: the result is then always an array.
    const found = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(faces);
    const rows = Array.isArray(found) ? found : [found];
    rows.forEach((row, i) => out.set(row, i * REFERENCE_DIM));
    return out;
  } finally {
    for (const face of faces) face.dispose();
  }
}

/** One photo through the reference model: its largest face's crop and descriptor, or no face at the threshold. */
export type ReferenceFace =
  | {
      readonly found: true;
      /** Faces found at or above the threshold (the largest was taken). */
      readonly faces: number;
      readonly score: number;
      /** The crop's box in the pixels of the image given. */
      readonly box: FaceBox;
      /** What the network saw: 150² RGB. */
      readonly crop: Uint8Array;
      /** The unit descriptor (the network's output divided by its norm). */
      readonly embedding: Float32Array;
      /** The descriptor's norm before normalising. */
      readonly norm: number;
    }
  | { readonly found: false; readonly faces: 0 };

/**
 * Detect the faces of an RGB image (H×W×3; detector and landmark models loaded with loadFaceModels, the network
 * with loadReferenceNet), take the largest, crop it as face-api does and describe it. The image is not disposed.
 */
export async function describeLargestFace(faceapi: ReferenceFaceApi, image: tf.Tensor3D, options: AlignOptions): Promise<ReferenceFace> {
  const faces = await detectFaces(faceapi, image, options);
  const chosen = largestFaceIndex(faces.map((f) => f.box));
  if (chosen < 0) return { found: false, faces: 0 };
  const [height, width] = image.shape;
  const box = faceApiDescriptorBox(faces[chosen].landmarks, width, height);
  const crop = await cropForReference(image, box);
  const { unit, norms } = normalizeRows(await describeCrops(faceapi, crop, 1), REFERENCE_DIM);
  return { found: true, faces: faces.length, score: faces[chosen].score, box, crop, embedding: unit, norm: norms[0] };
}
