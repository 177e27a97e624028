/**
 * Input preprocessing per backbone: what the weights expect, applied by the data pipeline.
 *
 * - resnet50: Caffe style, the preprocessing of the Keras ResNet50 ImageNet weights
 *   (keras_applications imagenet_utils, mode 'caffe'): RGB → BGR, then subtract the ImageNet
 *   channel means (B 103.939, G 116.779, R 123.68), no scaling. Used also when ResNet50 trains from
 *   scratch, so that the same model takes the same inputs either way.
 * - resnet18 / tiny (trained from scratch): x / 127.5 − 1, i.e. [0, 255] → [−1, 1].
 */
import * as tf from '@tensorflow/tfjs';
import type { BackboneName } from './models/embedding.ts';

/** ImageNet channel means in BGR order (Keras imagenet_utils, Caffe mode). */
export const IMAGENET_BGR_MEANS = Object.freeze([103.939, 116.779, 123.68] as const);

/** The preprocessing kinds. */
export type PreprocessingKind = 'caffe' | 'symmetric';

/** Which preprocessing each backbone expects. */
export const PREPROCESSING: Readonly<Record<BackboneName, PreprocessingKind>> = Object.freeze({
  resnet50: 'caffe',
  resnet18: 'symmetric',
  tiny: 'symmetric',
});

/**
 * Preprocesses RGB images (N×H×W×3 or H×W×3, uint8/int32 or float in [0, 255]) for `backbone`:
 * returns a new float32 tensor of the same shape; the input is left to the caller to dispose.
 */
export function preprocessFor<T extends tf.Tensor3D | tf.Tensor4D>(backbone: BackboneName, images: T): T {
  const kind = PREPROCESSING[backbone];
  if (kind === undefined) throw new Error(`no preprocessing for backbone '${backbone}'`);
  if (images.shape[images.rank - 1] !== 3) throw new Error(`expected RGB images (last axis 3), got shape [${images.shape.join(', ')}]`);
  return tf.tidy(() => {
    const x = images.toFloat();
    if (kind === 'symmetric') return x.div(127.5).sub(1) as T;
    const bgr = tf.reverse(x, -1);
    return bgr.sub(tf.tensor1d([...IMAGENET_BGR_MEANS])) as T;
  });
}
