/**
 * Hostile and broken model zips: each is refused with one "not a Margin Lab model: …" reason, decided from
 * what the zip and model.json declare, before the entry or weights in question are inflated or a model is built.
 */
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingModel } from '../../../src/ml/models/embedding.ts';
import { loadModelZip, MODEL_ZIP_FILES, modelArtifacts, packModelZip, unpackModelZip } from '../../../src/ml/modelIo.ts';
import { MODEL_ZIP_LIMITS } from '../../../src/ml/modelZipChecks.ts';
import { modelRunInfo } from './modelFixtures.ts';

const RUN = modelRunInfo({ thresholds: null });

/** Rewrites the uncompressed size an entry declares, in its local header and in the central directory. */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const nameBytes = strToU8(name);
  const named = (at: number) => nameBytes.every((b, i) => out[at + i] === b);
  for (let i = 0; i + 46 < out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50 && view.getUint16(i + 26, true) === nameBytes.length && named(i + 30)) view.setUint32(i + 22, size, true);
    if (signature === 0x02014b50 && view.getUint16(i + 28, true) === nameBytes.length && named(i + 46)) view.setUint32(i + 24, size, true);
  }
  return out;
}

describe('hostile and broken model zips', () => {
  let zip: Uint8Array;
  let files: Record<string, Uint8Array>;
  let modelJson: { modelTopology: { class_name: string }; weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[]; format?: string };

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const model = createEmbeddingModel({ backbone: 'tiny', inputSize: 32, embeddingDim: 8, l2: 5e-4, width: 4, seed: 7 });
    zip = packModelZip(await modelArtifacts(model), RUN);
    model.dispose();
    files = unzipSync(zip);
    modelJson = JSON.parse(strFromU8(files[MODEL_ZIP_FILES.model]));
  });

  /** The export with its model.json changed by `edit`. */
  const withModelJson = (edit: (json: typeof modelJson) => void): Uint8Array => {
    const json = structuredClone(modelJson);
    edit(json);
    return zipSync({ ...files, [MODEL_ZIP_FILES.model]: strToU8(JSON.stringify(json)) });
  };
  const firstWeight = (json: typeof modelJson) => json.weightsManifest[0].weights[0];

  const refused = async (bytes: Uint8Array, reason: RegExp) => {
    expect(() => unpackModelZip(bytes)).toThrow(reason);
    await expect(loadModelZip(bytes)).rejects.toThrow(/^not a Margin Lab model: /);
  };

  it('accepts the export itself', async () => {
    const { model } = await loadModelZip(zip);
    expect(model.outputs[0].shape).toEqual([null, 8]);
    model.dispose();
  });

  it('refuses entry names that point outside the zip, repeated names and too many entries', async () => {
    const extra = (name: string) => zipSync({ ...files, [name]: strToU8('x') } as Zippable);
    await refused(extra('../../.bashrc'), /points outside the zip/);
    await refused(extra('/etc/passwd'), /points outside the zip/);
    await refused(extra('models/../../evil.bin'), /points outside the zip/);
    await refused(extra('C:\\evil.bin'), /unsafe name/);
    const many = Object.fromEntries(Array.from({ length: MODEL_ZIP_LIMITS.entries }, (_, i) => [`pad-${i}.txt`, strToU8('x')]));
    await refused(zipSync({ ...files, ...many }), /more than 64 files/);
  });

  it('refuses a zip bomb from its declared size, before inflating it', async () => {
    // 64 MiB of JSON whitespace deflates to ~64 KB: valid JSON, and read whole without the size check.
    const padded = new Uint8Array(64 * 1024 * 1024 + files[MODEL_ZIP_FILES.model].length).fill(0x20);
    padded.set(files[MODEL_ZIP_FILES.model]);
    const bomb = zipSync({ ...files, [MODEL_ZIP_FILES.model]: [padded, { level: 9 }] });
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    await refused(bomb, /model\.json declares 64\.\d MiB, more than the 16\.0 MiB it may be/);
    // A small entry that claims 4 GB: the claim alone refuses it (fflate would allocate the claimed size).
    const liar = declareSize(zip, MODEL_ZIP_FILES.run, 0xffff_fff0);
    await refused(liar, /run\.json declares 4096\.0 MiB/);
    // Weights that claim more bytes than the manifest describes are refused before they are inflated.
    const deflated = zipSync({ ...files, [MODEL_ZIP_FILES.weights]: [files[MODEL_ZIP_FILES.weights], { level: 6 }] });
    await refused(declareSize(deflated, MODEL_ZIP_FILES.weights, 0x7fff_0000), /the weight files hold 2147418112 bytes, the manifest describes \d+/);
    // A stored entry cannot claim more than it holds.
    await refused(declareSize(zip, MODEL_ZIP_FILES.weights, 0x7fff_0000), /is stored but declares 2147418112 bytes in \d+/);
  });

  it('refuses absurd tensor shapes and dtypes from model.json alone', async () => {
    await refused(
      withModelJson((j) => (firstWeight(j).shape = [1e9, 1e9])),
      /shape \[1000000000, 1000000000\]: more than the 512 MiB/,
    );
    await refused(
      withModelJson((j) => (firstWeight(j).shape = [-4, -27])),
      /not a list of at most 6 non-negative integers/,
    );
    await refused(
      withModelJson((j) => (firstWeight(j).shape = [1.5, 72])),
      /not a list of at most 6/,
    );
    await refused(
      withModelJson((j) => (firstWeight(j).shape = [1, 1, 1, 1, 1, 1, 108])),
      /not a list of at most 6/,
    );
    await refused(
      withModelJson((j) => (firstWeight(j).dtype = 'float64')),
      /dtype "float64", which this lab does not read/,
    );
    await refused(
      withModelJson((j) => (firstWeight(j).dtype = 'string')),
      /dtype "string"/,
    );
    await refused(
      withModelJson((j) => j.weightsManifest.push(...j.weightsManifest)),
      /names a weight file twice/,
    );
  });

  it('refuses a model.json that is not a layers model', async () => {
    await refused(
      withModelJson((j) => (j.format = 'graph-model')),
      /model\.json is a "graph-model", not a TF\.js layers model/,
    );
    await refused(
      withModelJson((j) => (j.modelTopology.class_name = 'GraphDef')),
      /topology is "GraphDef", not a TF\.js layers model/,
    );
    await refused(
      withModelJson((j) => ((j as { weightsManifest: unknown }).weightsManifest = 'group1')),
      /not a TF\.js layers model/,
    );
  });

  it('refuses weights that do not match the model run.json describes, without building what model.json declares', async () => {
    // Same bytes, another shape: the manifest adds up, but the tensors are not the model's.
    const reshaped = withModelJson((j) => {
      const w = firstWeight(j);
      w.shape = [w.shape.reduce((n, d) => n * d, 1)];
    });
    expect(() => unpackModelZip(reshaped)).not.toThrow();
    await expect(loadModelZip(reshaped)).rejects.toThrow(
      /^not a Margin Lab model: the weights do not match the tiny_embedding model run\.json describes: .* is float32 \[\d+\], where the model has float32 \[3, 3, 3, 4\]/,
    );
    // A topology that declares a huge layer is never built: the architecture comes from run.json.
    const huge = withModelJson((j) => {
      const text = JSON.stringify(j.modelTopology).replace(/"units":8/g, '"units":1000000000');
      expect(text).toContain('1000000000');
      j.modelTopology = JSON.parse(text);
    });
    const { model } = await loadModelZip(huge);
    expect(model.outputs[0].shape).toEqual([null, 8]);
    model.dispose();
  });
});
