/**
 * The embedding model's weights by the lab's names, `<layer>/<weight>` (`conv1/kernel`, `bn_conv1/moving_variance`,
 * `embedding/bias`), in tfjs (Keras) layouts: the names and layouts of the safetensors files that
 * `lab export-torch`'s train.py reads (init.safetensors) and writes (model.safetensors, plus `head`), so
 * weights map one to one between tfjs and PyTorch (src/cli/torch/labtorch/weights.py does the transposes).
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../core/safetensors.ts';

/** The name a weight is stored under: its layer's name and its own short name ('kernel', 'gamma', …). */
export function labWeightName(layerName: string, weight: tf.LayerVariable): string {
  const original = weight.originalName;
  return `${layerName}/${original.slice(original.lastIndexOf('/') + 1).replace(/_\d+$/, '')}`;
}

/** Every weight of `model` by its lab name (values read with `await data()`, safe on every backend). */
export async function namedWeights(model: tf.LayersModel): Promise<Map<string, NamedTensor>> {
  const out = new Map<string, NamedTensor>();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      out.set(labWeightName(layer.name, w), { shape: [...w.shape] as number[], data: (await w.read().data()) as Float32Array });
    }
  }
  return out;
}

/**
 * Writes `weights` into `model` by name. Every model weight must be there with its exact shape; names the
 * model does not have are returned (e.g. `head`, the class head, which is not part of the embedding model).
 */
export function assignNamedWeights(model: tf.LayersModel, weights: ReadonlyMap<string, NamedTensor>): string[] {
  const used = new Set<string>();
  const missing: string[] = [];
  const pending: [tf.LayerVariable, NamedTensor][] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const name = labWeightName(layer.name, w);
      const value = weights.get(name);
      if (value === undefined) {
        missing.push(name);
        continue;
      }
      if (value.shape.join(',') !== w.shape.join(',')) {
        throw new Error(`weight '${name}' has shape [${value.shape.join(', ')}], the model [${w.shape.join(', ')}]`);
      }
      pending.push([w, value]);
      used.add(name);
    }
  }
  if (missing.length > 0) throw new Error(`the weights lack ${missing.length} of the model's: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`);
  tf.tidy(() => pending.forEach(([w, value]) => w.write(tf.tensor(value.data, value.shape as number[], 'float32'))));
  return [...weights.keys()].filter((name) => !used.has(name));
}
