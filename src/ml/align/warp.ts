/**
 * The alignment warp on tfjs: tf.image.transform samples, for every output pixel, the source at
 * the inverse of the forward (image → crop) similarity, bilinearly, with zeros outside the image
 * (the report's aligned crops have black borders where the face sat near the edge). Pixel-index
 * convention on both sides (src/core/align/affine.ts), as OpenCV's warpAffine in insightface.
 */
import * as tf from '@tensorflow/tfjs';
import { samplingTransform, type Affine } from '../../core/align/affine.ts';

/**
 * Warp an image (H×W×C, any numeric dtype) by `forward` into a `size`² float32 tensor, zero border.
 * The caller disposes both tensors.
 */
export function warpAffine(image: tf.Tensor3D, forward: Affine, size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const batch = image.toFloat().expandDims(0) as tf.Tensor4D;
    const transforms = tf.tensor2d([samplingTransform(forward)], [1, 8]);
    const warped = tf.image.transform(batch, transforms, 'bilinear', 'constant', 0, [size, size]);
    return warped.squeeze([0]) as tf.Tensor3D;
  });
}

/** The `size`² crop as RGB bytes (rounded, clipped to [0, 255]): what the data pipeline stores. */
export async function warpToBytes(image: tf.Tensor3D, forward: Affine, size: number): Promise<Uint8Array> {
  const bytes = tf.tidy(() => warpAffine(image, forward, size).round().clipByValue(0, 255));
  try {
    return Uint8Array.from(await bytes.data());
  } finally {
    bytes.dispose();
  }
}
