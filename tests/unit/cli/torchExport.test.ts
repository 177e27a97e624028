/**
 * The experiment on PyTorch (`lab export-torch`) and its model back in the lab (`lab evaluate`).
 * Needs Debian's PyTorch for /usr/bin/python3 (CI installs python3-torch python3-torchvision); without it
 * the block is skipped and its name says why.
 *
 * - the PyTorch losses against the shared fixture (the TypeScript side: tests/unit/ml/lossFixture.test.ts);
 * - the same weights give the same embeddings in tfjs and PyTorch to 1e-4, per backbone, and the weights
 *   PyTorch writes back are the very same values (one to one both ways);
 * - export → torchrun with 2 processes (gloo, CPU) on a `lab synth` set, stopped and resumed → `lab evaluate`
 *   on the run folder, on the same pairs.txt as train.py's own evaluation;
 * - data.json (`--data-settings`): train.py samples the identities, images, validation split and test pairs the
 *   lab samples for the same choices, its flags override them, and with alignFaces it refuses raw folders.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../../src/core/safetensors.ts';
import { flattenImages, type Identity } from '../../../src/core/dataset/inventory.ts';
import { sampleDataset } from '../../../src/core/dataset/sampling.ts';
import { folderDataSettingsJson, parseFolderDataSettings } from '../../../src/core/dataSettings.ts';
import { mostBalancedPairs, pairCapacity, sampleAvailablePairs } from '../../../src/core/pairs.ts';
import { STEP_COLUMNS } from '../../../src/core/stepColumns.ts';
import { createRng } from '../../../src/core/prng.ts';
import { parseTrainConfig, type TrainConfigInput } from '../../../src/core/trainConfig.ts';
import { createEmbeddingModel, modelSpecOf } from '../../../src/ml/models/embedding.ts';
import { namedWeights } from '../../../src/ml/namedWeights.ts';
import { embedImages } from '../../../src/ml/train/evaluate.ts';
import { scanDir } from '../../../src/cli/scanDir.ts';

const exec = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const HAS_TORCH = spawnSync(PYTHON, ['-c', 'import torch, PIL, numpy'], { stdio: 'ignore' }).status === 0;
const SKIP_NOTE = HAS_TORCH ? '' : ` (skipped: ${PYTHON} cannot import torch; apt-get install python3-torch python3-torchvision)`;
/** No .pyc files in the repo's src/cli/torch; one thread per process keeps the 2-core machine usable. */
const PY_ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' };
const LAB = ['node_modules/.bin/tsx', 'src/cli/lab.ts'] as const;

/** Embedding agreement asked by the issue (unit-norm embeddings, max |Δ| over all coordinates). */
const EMBEDDING_TOLERANCE = 1e-4;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-torch-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function lab(...args: string[]): Promise<string> {
  const { stdout } = await exec(LAB[0], [LAB[1], ...args], { cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Batch-norm statistics and biases made non-trivial (seeded), so eval-mode batch norm is really tested. */
async function perturbWeights(model: tf.LayersModel, seed: number): Promise<void> {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const short = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      const size = w.shape.reduce((a, b) => a! * b!, 1)!;
      const draw: (() => number) | null =
        short.startsWith('gamma') || short.startsWith('moving_variance')
          ? () => 0.7 + 0.6 * rng.next()
          : short.startsWith('beta') || short.startsWith('moving_mean') || short.startsWith('bias')
            ? () => 0.1 * rng.normal()
            : null;
      if (draw) {
        tf.tidy(() => {
          w.write(tf.tensor(Float32Array.from({ length: size }, draw), w.shape as number[]));
        });
      }
    }
  }
}

describe.skipIf(!HAS_TORCH)(`PyTorch export${SKIP_NOTE}`, () => {
  it('the PyTorch losses match the shared fixture (values and gradients)', async () => {
    const { stdout } = await exec(PYTHON, ['tests/unit/cli/torch/check_loss_fixture.py'], { env: PY_ENV });
    const cases = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ok: boolean; loss: { kind: string } });
    expect(cases.length).toBe(7);
    expect(cases.filter((c) => !c.ok)).toEqual([]);
  });

  it("train.py samples exactly the lab's test pairs (sampleAvailablePairs) for the same labels, count and seed", async () => {
    const rng = createRng('pair-cases');
    const labels = (identities: number, images: () => number) => Array.from({ length: identities }, (_, g) => Array.from({ length: images() }, () => g)).flat();
    const cases = [
      { identities: labels(10, () => 6), count: 40, seed: 1 }, // rejection sampling of both kinds
      { identities: labels(3, () => 3), count: 30, seed: 7 }, // more than half of each kind: listed, then shuffled
      { identities: labels(50, () => 1 + rng.int(6)), count: 301, seed: 4_000_000_000 }, // singletons, odd count
      { identities: labels(4, () => 2), count: 1000, seed: 0 }, // fewer available than asked: the most balanced
      // Labels out of order: groups are numbered by first appearance, as flattenImages never gives but callers may.
      { identities: Array.from({ length: 40 }, () => rng.int(7)), count: 60, seed: 123 },
    ];
    const file = join(root, 'pair-cases.json');
    await writeFile(file, JSON.stringify(cases));
    const { stdout } = await exec(PYTHON, ['tests/unit/cli/torch/check_pairs.py', file], { env: PY_ENV });
    const python = JSON.parse(stdout) as [number, number, boolean][][];
    expect(python.length).toBe(cases.length);
    cases.forEach((c, i) => {
      const lab = sampleAvailablePairs(c.identities, c.count, c.seed).map((p) => [p.a, p.b, p.same]);
      expect(lab.length).toBeGreaterThan(0);
      expect(python[i]).toEqual(lab);
    });
  });

  it('--identities K picks the identities the lab picks with min images 1, no cap, the data seed = config seed (README)', async () => {
    const rng = createRng('identity-cases');
    // Keys in no particular order, with non-ASCII and nested ones: both sides sort by code point.
    const identities = Array.from({ length: 30 }, (_, i) => {
      const key = i % 7 === 0 ? `nested/p${i}` : i % 5 === 0 ? `Zoë-${i}` : `person_${(i * 37) % 101}`;
      return { key, name: key.split('/').at(-1)!, files: Array.from({ length: 1 + rng.int(4) }, (_, j) => `${key}/${j}.jpg`) };
    });
    const cases = [
      [7, 1],
      [12, 99],
      [29, 4_000_000_000],
    ] as const;
    const script =
      'import json, sys; sys.path.insert(0, "src/cli/torch"); from labtorch.data import sample_identities as s; ' +
      'ids, cases = json.load(open(sys.argv[1])); print(json.dumps([[i["key"] for i in s(ids, k, seed)] for k, seed in cases]))';
    const file = join(root, 'identity-cases.json');
    await writeFile(file, JSON.stringify([identities, cases]));
    const { stdout } = await exec(PYTHON, ['-c', script, file], { env: PY_ENV });
    const lab = cases.map(([k, seed]) => sampleDataset(identities, { seed, identities: k }).train.map((id) => id.key));
    expect(JSON.parse(stdout)).toEqual(lab);
  });

  it('sample_dataset draws what sampleDataset draws: identities, per-identity cap and validation hold-out', async () => {
    const rng = createRng('dataset-cases');
    const identities = Array.from({ length: 40 }, (_, i) => {
      const key = i % 9 === 0 ? `nested/Zoë-${i}` : `person_${(i * 53) % 97}`;
      return { key, name: key.split('/').at(-1)!, files: Array.from({ length: 1 + rng.int(9) }, (_, j) => `${key}/${j}.jpg`) };
    });
    const cases = [
      { seed: 1, count: 12, min: 3, max: 5, fraction: 0.1 },
      { seed: 4_000_000_000, count: null, min: 1, max: 2, fraction: 0.25 },
      { seed: 7, count: 30, min: 2, max: null, fraction: 0.99 },
      { seed: 0, count: 5, min: 1, max: null, fraction: 0 },
    ];
    const script =
      'import json, sys; sys.path.insert(0, "src/cli/torch"); from labtorch.data import sample_dataset as s; ids, cases = json.load(open(sys.argv[1])); ' +
      'r = [s(ids, c["seed"], c["count"], c["min"], c["max"], c["fraction"]) for c in cases]; ' +
      'print(json.dumps([[[[i["key"], i["files"]] for i in x[k]] for k in ("train", "validation")] + [x["eligible"]] for x in r]))';
    const file = join(root, 'dataset-cases.json');
    await writeFile(file, JSON.stringify([identities, cases]));
    const { stdout } = await exec(PYTHON, ['-c', script, file], { env: PY_ENV });
    const pairsOf = (ids: readonly Identity[]) => ids.map((id) => [id.key, id.files]);
    const lab = cases.map((c) => {
      const drawn = sampleDataset(identities, { seed: c.seed, identities: c.count ?? undefined, minImages: c.min, maxImages: c.max ?? undefined, validationFraction: c.fraction });
      return [pairsOf(drawn.train), pairsOf(drawn.validation), drawn.eligible];
    });
    expect(JSON.parse(stdout)).toEqual(lab);
  });

  it('data.json (--data-settings): train.py trains and tests on what the lab would, flags override it, alignFaces refuses raw folders', async () => {
    // Identities of 1–6 images (synth writes 6 each; the rest are deleted), so min and max images both bite.
    const train = join(root, 'data-train');
    const test = join(root, 'data-test');
    await lab('synth', '--out', train, '--seed', '3', '--identities', '12', '--images', '6', '--size', '32');
    await lab('synth', '--out', test, '--seed', '4', '--identities', '5', '--images', '3', '--size', '32');
    for (const [i, dir] of (await readdir(train)).sort().entries()) {
      const files = (await readdir(join(train, dir))).sort();
      for (const file of files.slice(1 + (i % 6))) await unlink(join(train, dir, file));
    }
    const cfg = { model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 }, evalPairs: 40, seed: 4 };
    const choices = { seed: 9, identities: 7, minImages: 3, maxImages: 4, validationPercent: 20, testPairs: 30 };
    await writeFile(join(root, 'data-cfg.json'), JSON.stringify(cfg));
    await writeFile(join(root, 'data-settings.json'), JSON.stringify(choices));
    await writeFile(join(root, 'data-align.json'), folderDataSettingsJson({ ...parseFolderDataSettings(choices), alignFaces: true }));
    const out = join(root, 'exp-data');
    const exported = JSON.parse(
      await lab('export-torch', '--config', join(root, 'data-cfg.json'), '--out', out, '--no-init', '--data-settings', join(root, 'data-settings.json')),
    ) as { files: string[] };
    expect(exported.files).toEqual(expect.arrayContaining(['config.json', 'data.json']));
    expect(await readFile(join(out, 'data.json'), 'utf8')).toBe(folderDataSettingsJson(parseFolderDataSettings(choices)));
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))).toEqual(parseTrainConfig(cfg));

    const run = ['--out', join(root, 'run-data')];
    const cases = [
      { args: ['--data', train, '--test', test, ...run] },
      { args: ['--data', train, ...run, '--identities', 'all', '--min-images', '2', '--max-images', 'all', '--validation-percent', '30', '--data-seed', '5'] },
      { args: ['--data', train, '--test', test, ...run, '--data-settings', join(root, 'data-align.json')] },
      { args: ['--data', train, '--test', test, ...run, '--data-settings', join(root, 'data-align.json'), '--no-align', '--test-pairs', '12'] },
    ];
    await writeFile(join(root, 'data-cases.json'), JSON.stringify(cases));
    const { stdout } = await exec(PYTHON, ['tests/unit/cli/torch/check_data.py', out, join(root, 'data-cases.json')], { env: PY_ENV, timeout: 120_000 });
    type Found = { rules: Record<string, unknown>; train: [string, string[]][]; test: { from: string; files: string[]; pairs: [number, number, boolean][] } | null };
    const [fromFile, overridden, refused, unaligned] = JSON.parse(stdout) as [Found, Found, { exit: string }, Found];

    const trainIds = (await scanDir(train)).inventory.identities;
    const testIds = (await scanDir(test)).inventory.identities;
    const keysAndFiles = (ids: readonly Identity[]) => ids.map((id) => [id.key, [...id.files]]);
    const testPairs = (count: number, seed: number) => sampleAvailablePairs(flattenImages(testIds).identityPerItem, count, seed).map((p) => [p.a, p.b, p.same]);

    // data.json as written: the lab's sample of identities and images, and the page's test pairs (count and seed).
    const drawn = sampleDataset(trainIds, { seed: 9, identities: 7, minImages: 3, maxImages: 4, validationFraction: 0.2 });
    expect(fromFile.rules).toMatchObject(choices);
    expect(fromFile.train).toEqual(keysAndFiles(drawn.train));
    expect(fromFile.train.length).toBe(7);
    expect(fromFile.train.every(([, files]) => files.length >= 1 && files.length <= 4)).toBe(true);
    expect(fromFile.test).toMatchObject({ from: 'test folder', files: testIds.flatMap((id) => id.files) });
    expect(fromFile.test!.pairs).toEqual(testPairs(30, 9));

    // Flags over data.json; without --test the lab's validation-split evaluation (evalPairs at config.seed).
    const other = sampleDataset(trainIds, { seed: 5, minImages: 2, validationFraction: 0.3 });
    expect(overridden.rules).toMatchObject({ seed: 5, identities: null, minImages: 2, maxImages: null, validationPercent: 30, testPairs: 30 });
    expect(overridden.train).toEqual(keysAndFiles(other.train));
    const labelOf = new Map(other.train.map((id, label) => [id.key, label]));
    const validationLabels = other.validation.flatMap((id) => id.files.map(() => labelOf.get(id.key)!));
    const count = Math.min(cfg.evalPairs, mostBalancedPairs(pairCapacity(validationLabels)));
    expect(overridden.test).toMatchObject({ from: 'validation split', files: other.validation.flatMap((id) => id.files) });
    expect(overridden.test!.pairs).toEqual(sampleAvailablePairs(validationLabels, count, cfg.seed).map((p) => [p.a, p.b, p.same]));

    // alignFaces: raw folders are refused, naming the reason and the command; --no-align trains on the raw photos.
    expect(refused.exit).toMatch(/alignFaces on .*holds no align-report\.json: train\.py cannot detect faces/);
    expect(refused.exit).toMatch(/lab -- align --data .* --detector tiny --score 0\.5 --size 32/);
    expect(unaligned.rules).toMatchObject({ alignFaces: false, testPairs: 12 });
    expect(unaligned.test!.pairs).toEqual(testPairs(12, 9));
  }, 180_000);

  it("--no-init with model.pretrained 'imagenet' warns on stderr, at export and in train.py, that it trains from scratch", async () => {
    const cfg = join(root, 'imagenet-cfg.json');
    await writeFile(cfg, JSON.stringify({ model: { backbone: 'resnet50', pretrained: 'imagenet', inputSize: 32, embeddingDim: 8 } }));
    const out = join(root, 'exp-no-init');
    const exported = await exec(LAB[0], [LAB[1], 'export-torch', '--config', cfg, '--out', out, '--no-init'], { cwd: process.cwd() });
    expect(JSON.parse(exported.stdout)).toMatchObject({ init: false, parameters: null });
    expect(exported.stderr).toMatch(/warning: --no-init .*'imagenet' config from scratch/);
    // train.py says so too, before it reads any data (an empty folder then stops it).
    await mkdir(join(root, 'empty'), { recursive: true });
    const ran = spawnSync(PYTHON, [join(out, 'train.py'), '--data', join(root, 'empty'), '--out', join(root, 'run-no-init'), '--device', 'cpu'], {
      env: PY_ENV,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(ran.status).not.toBe(0);
    expect(ran.stderr).toMatch(/warning: no .*init\.safetensors: model\.pretrained is 'imagenet' but this run trains from scratch/);
  }, 180_000);

  it('same weights give the same embeddings in tfjs and PyTorch for each backbone, and map back one to one', async () => {
    await tf.setBackend('cpu');
    const specs: Record<string, TrainConfigInput['model']> = {
      tiny: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4, embeddingNorm: 'batchnorm' },
      resnet18: { backbone: 'resnet18', inputSize: 40, embeddingDim: 8, width: 4 },
      resnet50: { backbone: 'resnet50', inputSize: 32, embeddingDim: 16, embeddingNorm: 'batchnorm' },
    };
    const dirs: string[] = [];
    const written = new Map<string, Map<string, NamedTensor>>();
    for (const [name, modelInput] of Object.entries(specs)) {
      const config = parseTrainConfig({ model: modelInput, seed: 7 });
      const model = createEmbeddingModel(modelSpecOf(config.model, config.seed));
      await perturbWeights(model, 11);
      const size = config.model.inputSize;
      const count = 2;
      const rng = createRng(`images-${name}`);
      const images = Uint8Array.from({ length: count * size * size * 3 }, () => rng.int(256));
      const m = { model, backbone: config.model.backbone, inputSize: size };
      const expected = await embedImages(m, images, count, false);
      const expectedFlip = await embedImages(m, images, count, true);
      const weights = await namedWeights(model);
      model.dispose();
      written.set(name, weights);
      const file = new Map(weights);
      file.set('images', { shape: [count, size, size, 3], data: Int32Array.from(images) });
      file.set('expected', { shape: [count, config.model.embeddingDim], data: expected });
      file.set('expectedFlip', { shape: [count, config.model.embeddingDim], data: expectedFlip });
      const dir = join(root, `embed-${name}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'config.json'), JSON.stringify(config));
      await writeFile(join(dir, 'weights.safetensors'), encodeSafetensors(file));
      dirs.push(dir);
    }
    const { stdout } = await exec(PYTHON, ['tests/unit/cli/torch/check_embeddings.py', ...dirs], { env: PY_ENV, timeout: 300_000 });
    const diffs = JSON.parse(stdout) as Record<string, { plain: number; flip: number }>;
    console.log(`tfjs vs PyTorch embedding max |Δ|: ${JSON.stringify(diffs)}`);
    for (const name of Object.keys(specs)) {
      expect(diffs[`embed-${name}`].plain).toBeLessThan(EMBEDDING_TOLERANCE);
      expect(diffs[`embed-${name}`].flip).toBeLessThan(EMBEDDING_TOLERANCE);
      // PyTorch → lab names and layouts: exactly the values tfjs wrote.
      const back = decodeSafetensors(new Uint8Array(await readFile(join(root, `embed-${name}`, 'roundtrip.safetensors')))).tensors;
      const sent = written.get(name)!;
      expect([...back.keys()].sort()).toEqual([...sent.keys()].sort());
      for (const [key, t] of sent) {
        expect(back.get(key)!.shape).toEqual(t.shape);
        expect(Buffer.from(back.get(key)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
      }
    }
  }, 300_000);

  it('export → torchrun with 2 processes (gloo), stopped and resumed → lab evaluate on the run folder', async () => {
    await lab('synth', '--out', join(root, 'train'), '--seed', '1', '--identities', '8', '--images', '6', '--size', '32');
    await lab('synth', '--out', join(root, 'test'), '--seed', '2', '--identities', '6', '--images', '4', '--size', '32');
    await lab('pairs', '--data', join(root, 'test'), '--count', '40', '--seed', '1', '--out', join(root, 'pairs.txt'));
    await writeFile(join(root, 'test', 'pairs.txt'), await readFile(join(root, 'pairs.txt')));
    const cfg = {
      model: { backbone: 'tiny', inputSize: 32, embeddingDim: 16, width: 4, embeddingNorm: 'batchnorm' },
      loss: { kind: 'arcface', scale: 16, marginDeg: 30 },
      optimizer: { lr: 0.05 },
      batchSize: 8,
      steps: 6,
      evalEvery: 3,
      evalPairs: 40,
      checkpointEvery: 2,
    };
    await writeFile(join(root, 'cfg.json'), JSON.stringify(cfg));
    const exported = JSON.parse(await lab('export-torch', '--config', join(root, 'cfg.json'), '--out', join(root, 'exp'))) as { files: string[] };
    expect(exported.files).toEqual(expect.arrayContaining(['train.py', 'README.md', 'config.json', 'init.safetensors', 'labtorch/models.py']));
    expect(JSON.parse(await readFile(join(root, 'exp', 'config.json'), 'utf8'))).toEqual(parseTrainConfig(cfg));

    // Debian's torchrun 1.13 on Python 3.11 crashes in Std.from_str unless given non-zero single-flag stream options.
    const torchrun = (...extra: string[]) =>
      exec(
        PYTHON,
        [
          '-m',
          'torch.distributed.run',
          '--redirects',
          '2',
          '--tee',
          '1',
          '--nproc_per_node=2',
          join(root, 'exp', 'train.py'),
          '--data',
          join(root, 'train'),
          '--test',
          join(root, 'test'),
          '--out',
          join(root, 'run'),
          '--workers',
          '0',
          ...extra,
        ],
        { env: PY_ENV, timeout: 240_000 },
      );
    await torchrun('--max-steps', '4');
    expect(await readdir(join(root, 'run', 'checkpoints'))).toContain('step-00000004.pt');
    await torchrun();
    const events = (await readFile(join(root, 'run', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const steps = events.filter((e) => e.type === 'step').flatMap((e) => (e.points as { step: number[] }).step);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5]);
    const stepKeys = Object.keys(events.find((e) => e.type === 'step')!.points as object).sort();
    expect(stepKeys).toEqual([...STEP_COLUMNS].sort());
    expect(events.filter((e) => e.type === 'done').map((e) => [e.reason, e.step])).toEqual([
      ['stopped', 4],
      ['completed', 6],
    ]);
    const evals = events.filter((e) => e.type === 'eval') as { step: number; metrics: { auc: number; pairs: number } }[];
    expect(evals.map((e) => e.step)).toEqual([3, 4, 6]);
    expect(new Set(events.map((e) => e.runId)).size).toBe(1);

    const output = JSON.parse(await lab('evaluate', '--model', join(root, 'run'), '--data', join(root, 'test'), '--pairs', join(root, 'pairs.txt'))) as Record<string, number>;
    expect(Object.keys(output)).toEqual(['pairs', 'positives', 'negatives', 'auc', 'eer', 'eerThreshold', 'bestAccuracy', 'bestThreshold', 'tenFold', 'tarAtFar']);
    const last = evals.at(-1)!.metrics;
    console.log(`train.py final eval AUC ${last.auc} vs lab evaluate ${output.auc} on the same ${output.pairs} pairs`);
    expect(output.pairs).toBe(last.pairs);
    expect(Math.abs(output.auc - last.auc)).toBeLessThan(0.02);
  }, 400_000);
});
