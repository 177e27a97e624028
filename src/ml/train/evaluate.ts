/**
 * Embeddings and verification on the test pairs. An embedding is the model output L2-normalised; with
 * `flip` it is the normalised sum of the outputs for the image and its mirror image (insightface's
 * test-time flip). Scores are cosine similarities, and the metrics come from src/core/metrics.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { evaluateVerification, type VerificationReport } from '../../core/metrics.ts';
import type { EvalEvent, EvalMetrics } from '../../protocol/events.ts';
import type { BackboneName } from '../models/embedding.ts';
import { preprocessFor } from '../preprocess.ts';
import { imageBytes, type ImageSet, type TestSet } from './data.ts';

/** Images per forward pass when embedding (small enough for 112 px ResNet50 on a laptop GPU). */
export const EMBED_BATCH = 32;

/** What embedding needs to know about the model. */
export interface EmbedModel {
  model: tf.LayersModel;
  backbone: BackboneName;
  inputSize: number;
}

/** Output [n, D] for a packed batch of n RGB images, normalised, optionally flip-averaged. */
function embedTensor(m: EmbedModel, images: Uint8Array, n: number, flip: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const s = m.inputSize;
    const x = preprocessFor(m.backbone, tf.tensor4d(images, [n, s, s, 3], 'int32'));
    let out = m.model.apply(x, { training: false }) as tf.Tensor2D;
    if (flip) out = tf.add(out, m.model.apply(tf.reverse(x, 2), { training: false }) as tf.Tensor2D);
    return tf.div(out, tf.sqrt(tf.add(tf.sum(tf.square(out), 1, true), 1e-12)));
  });
}

/**
 * L2-normalised embeddings of `count` packed RGB images (count·S·S·3 bytes), row-major [count, D].
 * One device read per EMBED_BATCH images.
 */
export async function embedImages(m: EmbedModel, images: Uint8Array, count: number, flip: boolean): Promise<Float32Array> {
  const per = imageBytes(m.inputSize);
  if (images.length !== count * per) throw new Error(`embed: ${images.length} bytes is not ${count} images of ${m.inputSize}×${m.inputSize}×3`);
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += EMBED_BATCH) {
    const n = Math.min(EMBED_BATCH, count - start);
    const t = embedTensor(m, images.subarray(start * per, (start + n) * per), n, flip);
    parts.push((await t.data()) as Float32Array);
    t.dispose();
  }
  const dim = count === 0 ? 0 : parts[0].length / Math.min(EMBED_BATCH, count);
  const all = new Float32Array(count * dim);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}

/** Cosine similarity of each pair from normalised embeddings of the items they use. */
export function pairScores(embeddings: Float32Array, rowOfItem: Map<number, number>, dim: number, pairs: TestSet['pairs']): Float32Array {
  const scores = new Float32Array(pairs.length);
  pairs.forEach((p, i) => {
    const a = (rowOfItem.get(p.a) as number) * dim;
    const b = (rowOfItem.get(p.b) as number) * dim;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += embeddings[a + k] * embeddings[b + k];
    scores[i] = dot;
  });
  return scores;
}

/** The verification report of the model on `test`, plus how long it took and the pairs' labels (1 = same) and scores. */
export async function evaluatePairs(
  m: EmbedModel,
  test: TestSet,
  flip: boolean,
): Promise<{ report: VerificationReport; seconds: number; labels: Uint8Array; scores: Float32Array }> {
  const started = performance.now();
  const items = [...new Set(test.pairs.flatMap((p) => [p.a, p.b]))].sort((a, b) => a - b);
  const rowOfItem = new Map(items.map((item, row) => [item, row]));
  const per = imageBytes(m.inputSize);
  if (test.images.size !== m.inputSize) throw new Error(`test images are ${test.images.size} px but the model takes ${m.inputSize} px`);
  const packed = new Uint8Array(items.length * per);
  for (let row = 0; row < items.length; row++) packed.set(await test.images.render(items[row], new Uint8Array(per)), row * per);
  const embeddings = await embedImages(m, packed, items.length, flip);
  // Weights that stayed finite through training can still overflow at inference (e.g. after a learning rate far too
  // high, with batch-norm moving statistics): say so rather than fail later on a NaN score.
  const bad = embeddings.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(
      `the model's embedding of test image ${items[Math.floor(bad / (embeddings.length / items.length))]} is not finite: its weights have overflowed (a learning rate far too high?), so it cannot be evaluated`,
    );
  }
  const dim = embeddings.length / items.length;
  const scores = pairScores(embeddings, rowOfItem, dim, test.pairs);
  const labels = Uint8Array.from(test.pairs, (p) => (p.same ? 1 : 0));
  return { report: evaluateVerification(labels, scores), seconds: (performance.now() - started) / 1000, labels, scores };
}

/** Normalised embeddings of every image of `set` (rendered in order) and the identity of each. */
export async function embedSet(m: EmbedModel, set: ImageSet, flip: boolean): Promise<{ embeddings: Float32Array; identities: Int32Array }> {
  if (set.size !== m.inputSize) throw new Error(`probe images are ${set.size} px but the model takes ${m.inputSize} px`);
  const per = imageBytes(m.inputSize);
  const packed = new Uint8Array(set.count * per);
  for (let i = 0; i < set.count; i++) packed.set(await set.render(i, new Uint8Array(per)), i * per);
  const identities = Int32Array.from({ length: set.count }, (_, i) => set.itemIdentity(i));
  return { embeddings: await embedImages(m, packed, set.count, flip), identities };
}

/** The summary numbers of a report. */
export function evalMetrics(report: VerificationReport): EvalMetrics {
  return {
    pairs: report.pairs,
    positives: report.positives,
    negatives: report.negatives,
    auc: report.auc,
    eer: report.eer,
    eerThreshold: report.eerThreshold,
    tarAtFar: { ...report.tarAtFar },
    bestAccuracy: report.bestAccuracy,
    bestThreshold: report.bestThreshold,
    tenFoldMean: report.tenFold.mean,
    tenFoldStd: report.tenFold.std,
  };
}

/** The eval event for a report (fresh arrays, safe to transfer). */
export function evalEvent(runId: string, step: number, report: VerificationReport, flipEval: boolean, seconds: number): EvalEvent {
  const { positives, negatives } = report.angles;
  return {
    type: 'eval',
    runId,
    step,
    metrics: evalMetrics(report),
    roc: { fpr: Float32Array.from(report.roc.fpr), tpr: Float32Array.from(report.roc.tpr), thresholds: Float32Array.from(report.roc.thresholds) },
    angles: { binDeg: positives.edges[1] - positives.edges[0], positives: Float32Array.from(positives.counts), negatives: Float32Array.from(negatives.counts) },
    flipEval,
    seconds,
  };
}
