/**
 * The reference model's part of the lab worker's API (src/protocol/reference.ts ReferenceApi): verifying one image
 * with it, and its baseline on the loaded test folder. Where the model runs is the caller's: the lab worker passes
 * the align worker's (workers/data/reference.ts), Node tests face-api's Node build.
 *
 * The baseline describes every image the test pairs use from its original file, with the reference model's own
 * detection and crop, even when the folder was loaded with "Align faces": the folder's crops are the ArcFace 112
 * template, which the network was not trained on, and its documented threshold is for face-api's crop. An image
 * where no face is found is left out with the reason, and so is every pair that uses it; the baseline says how
 * many. (With "Align faces" the folder already left out the images its own detector found no face in.)
 */
import { DEFAULT_ALIGN_OPTIONS, type AlignOptions } from '../../core/align/options.ts';
import { FORMAT_LABELS } from '../../core/dataset/sniff.ts';
import { evaluateVerification } from '../../core/metrics.ts';
import { pairCosines, pairImages, pairsWithFaces } from '../../core/reference/baseline.ts';
import {
  REFERENCE_DIM,
  REFERENCE_INPUT_SIZE,
  REFERENCE_LABEL,
  REFERENCE_MODEL_ID,
  REFERENCE_THRESHOLD_DEG,
  REFERENCE_THRESHOLD_SOURCE,
} from '../../core/reference/faceApiReference.ts';
import type { VerifiedImage } from '../../protocol/models.ts';
import type { ReferenceApi, ReferenceBaseline, ReferenceModelInfo, ReferenceProgressCallback } from '../../protocol/reference.ts';
import { AlignUnavailableError, describeAlignOptions } from '../align/alignCache.ts';
import type { DataStore } from '../data/dataStore.ts';
import { sniffBlob } from '../data/images.ts';
import { noteEvaluation, type NotedEvaluation } from '../runInfo.ts';
import { evalEvent } from '../train/evaluate.ts';
import type { ReferenceFace } from './referenceNet.ts';

/** The message a cancelled baseline rejects with. */
export const BASELINE_CANCELLED = 'baseline cancelled';

/** What the reference API needs. */
export interface ReferenceDeps {
  /** The loaded folders (the worker's shared store). */
  readonly store: Pick<DataStore, 'folder'>;
  /** One image file through the reference model; rejects when the file cannot be decoded. */
  describe(file: Blob, options: AlignOptions): Promise<ReferenceFace>;
}

/** Images described at once while a baseline runs: the align worker works one at a time, this keeps it busy. */
const IN_FLIGHT = 2;

/** Create the reference API over `deps.store`. */
export function createReferenceApi(deps: ReferenceDeps): ReferenceApi {
  const { describe } = deps;
  /** The latest baseline: its thresholds and histogram serve Verify. */
  let latest: { noted: NotedEvaluation; testLabel: string } | null = null;

  /** The detector for the reference: the loaded folders' "Align faces" settings (as for the lab's models), else the defaults. */
  const detector = (): AlignOptions => deps.store.folder('test')?.decode.align ?? deps.store.folder('train')?.decode.align ?? DEFAULT_ALIGN_OPTIONS;

  /** Refuses what is no decodable image before the align worker sees it, in the words Verify uses for any model. */
  const checkImage = async (image: Blob): Promise<void> => {
    if (!(image instanceof Blob)) throw new Error('not a file: drop, pick or paste an image file');
    const sniff = await sniffBlob(image);
    if (sniff.kind === 'not-image') throw new Error('not an image: the file is no JPEG, PNG, GIF, WebP, BMP or AVIF');
    if (sniff.kind === 'unsupported') throw new Error(`${FORMAT_LABELS[sniff.format]} images cannot be decoded in the browser: convert it to PNG or JPEG`);
  };

  const describeChecked = async (image: Blob, options: AlignOptions): Promise<ReferenceFace> => {
    try {
      return await describe(image, options);
    } catch (err) {
      if (err instanceof AlignUnavailableError) throw err;
      throw new Error(`the image could not be decoded: it is broken or truncated (${(err as Error).message ?? String(err)})`, { cause: err });
    }
  };

  return {
    async describeReference(): Promise<ReferenceModelInfo> {
      return {
        id: REFERENCE_MODEL_ID,
        label: REFERENCE_LABEL,
        dim: REFERENCE_DIM,
        inputSize: REFERENCE_INPUT_SIZE,
        thresholdDeg: REFERENCE_THRESHOLD_DEG,
        thresholdSource: REFERENCE_THRESHOLD_SOURCE,
        detector: detector(),
        evaluation: latest?.noted.evaluation ?? null,
        thresholds: latest?.noted.thresholds ?? null,
        evaluatedOn: latest?.testLabel ?? null,
      };
    },

    async verifyReference(image: Blob): Promise<VerifiedImage> {
      await checkImage(image);
      const options = detector();
      const face = await describeChecked(image, options);
      if (!face.found) throw new Error(`no face found in the image (${describeAlignOptions(options)}): the reference model needs a face to crop`);
      return { embedding: face.embedding, pixels: face.crop, size: REFERENCE_INPUT_SIZE, model: { runId: REFERENCE_MODEL_ID, label: REFERENCE_LABEL, step: 0 } };
    },

    async referenceBaseline(onProgress?: ReferenceProgressCallback): Promise<ReferenceBaseline> {
      const started = performance.now();
      const folder = deps.store.folder('test');
      if (!folder || folder.pairs.length === 0)
        throw new Error(folder?.report.pairsError ? `the test folder gives no pairs: ${folder.report.pairsError}` : 'no test pairs: load a test folder first');
      const options = detector();
      const { paths, pairs } = pairImages(folder.pairs, folder.identities);
      const rowOf = new Int32Array(paths.length).fill(-1);
      const embeddings = new Float32Array(paths.length * REFERENCE_DIM);
      const noFace: ReferenceBaseline['noFace'] = [];
      let rows = 0;
      let done = 0;
      const report = async () => {
        if ((await onProgress?.({ done, total: paths.length, noFace: noFace.length })) === false) throw new Error(BASELINE_CANCELLED);
      };
      await report();
      let next = 0;
      const lane = async () => {
        while (next < paths.length) {
          const item = next++;
          const path = paths[item];
          const file = folder.files.get(path);
          if (!file) throw new Error(`the test image '${path}' is no longer loaded`);
          let face: ReferenceFace;
          try {
            face = await describe(file, options);
          } catch (err) {
            if (err instanceof AlignUnavailableError) throw err;
            noFace.push({ path, reason: `could not be decoded (${(err as Error).message ?? String(err)})` });
            done++;
            await report();
            continue;
          }
          if (face.found) {
            rowOf[item] = rows;
            embeddings.set(face.embedding, rows * REFERENCE_DIM);
            rows++;
          } else {
            noFace.push({ path, reason: `no face found (${describeAlignOptions(options)})` });
          }
          done++;
          await report();
        }
      };
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, paths.length) }, lane));

      const { kept, leftOut } = pairsWithFaces(pairs, (item) => rowOf[item] >= 0);
      const positives = kept.filter((p) => p.same).length;
      if (positives === 0 || positives === kept.length) {
        throw new Error(
          `the reference model found faces in ${rows} of ${paths.length} test images: of the ${pairs.length} pairs, ${kept.length} remain, which is not both same-person and different-people pairs`,
        );
      }
      const scores = pairCosines(embeddings, REFERENCE_DIM, rowOf, kept);
      const labels = Uint8Array.from(kept, (p) => (p.same ? 1 : 0));
      const evaluation = evalEvent(REFERENCE_MODEL_ID, 0, evaluateVerification(labels, scores), false, (performance.now() - started) / 1000);
      const testLabel = `test folder '${folder.report.root ?? 'picked'}': ${pairs.length} pairs`;
      latest = { noted: noteEvaluation(evaluation), testLabel };
      noFace.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { evaluation, testLabel, images: paths.length, noFace, pairs: pairs.length, leftOut, detector: options };
    },
  };
}
