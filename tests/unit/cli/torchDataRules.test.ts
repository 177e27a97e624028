/**
 * train.py's data rules beyond the sampling (tests/unit/cli/torchExport.test.ts has that): an export without
 * data.json accepts every config validateTrainConfig accepts (a seed of 2^32 or more, an inputSize over 512) and
 * decodes transparent images as `lab train` does (alpha dropped); a PNG tRNS colour is composited over the
 * background; a note says when a run has no evaluation; a resume with other data rules is refused, naming the rule,
 * and leaves the run folder's data.json and identities.json as the run started.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenImages } from '../../../src/core/dataset/inventory.ts';
import { sampleAvailablePairs } from '../../../src/core/pairs.ts';
import { scanDir } from '../../../src/cli/scanDir.ts';

const exec = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const HAS_TORCH = spawnSync(PYTHON, ['-c', 'import torch, PIL, numpy'], { stdio: 'ignore' }).status === 0;
const PY_ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' };
const LAB = ['node_modules/.bin/tsx', 'src/cli/lab.ts'] as const;
/** Above the data.json seed limit (2^32 − 1): a valid TrainConfig seed all the same. */
const BIG_SEED = 2 ** 32;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-torch-rules-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function lab(...args: string[]): Promise<string> {
  const { stdout } = await exec(LAB[0], [LAB[1], ...args], { cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** train.py's scan (tests/unit/cli/torch/check_data.py) for each argument list: rules, identities, test pairs. */
async function scanCases(exportDir: string, cases: { args: string[] }[]): Promise<{ out: unknown[]; stderr: string }> {
  const file = join(root, `cases-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(cases));
  const { stdout, stderr } = await exec(PYTHON, ['tests/unit/cli/torch/check_data.py', exportDir, file], { env: PY_ENV, timeout: 120_000 });
  return { out: JSON.parse(stdout) as unknown[], stderr };
}

describe('lab export-torch with alignFaces', () => {
  it('warns with the whole lab align command (--size model.inputSize) and how --no-align decodes the raw photos', async () => {
    await writeFile(join(root, 'align-cfg.json'), JSON.stringify({ model: { backbone: 'tiny', inputSize: 48, embeddingDim: 8, width: 4 } }));
    await writeFile(join(root, 'align-settings.json'), JSON.stringify({ alignFaces: true, centreCrop: false, faceDetector: 'ssd', faceScoreThreshold: 0.7 }));
    const args = ['export-torch', '--config', join(root, 'align-cfg.json'), '--out', join(root, 'exp-align'), '--no-init', '--data-settings', join(root, 'align-settings.json')];
    const { stderr } = await exec(LAB[0], [LAB[1], ...args], { cwd: process.cwd() });
    expect(stderr).toMatch(/`lab align --detector ssd --score 0\.7 --size 48`/);
    expect(stderr).toMatch(/--no-align to train on the raw photos, whole images squashed to the square, as centreCrop is off/);
  }, 60_000);
});

describe.skipIf(!HAS_TORCH)('train.py data rules', () => {
  it('without data.json: config seed 2^32 and inputSize 544 scan and train; the test pairs are the lab\'s for that seed; "no evaluation" is said', async () => {
    const train = join(root, 'train');
    const test = join(root, 'test');
    await lab('synth', '--out', train, '--seed', '1', '--identities', '6', '--images', '4', '--size', '32');
    await lab('synth', '--out', test, '--seed', '2', '--identities', '5', '--images', '3', '--size', '32');
    const cfg = { model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 }, batchSize: 4, steps: 4, evalEvery: 0, evalPairs: 20, seed: BIG_SEED };
    await writeFile(join(root, 'cfg.json'), JSON.stringify(cfg));
    await writeFile(join(root, 'cfg-large.json'), JSON.stringify({ ...cfg, model: { ...cfg.model, inputSize: 544 } }));
    const exp = join(root, 'exp');
    await lab('export-torch', '--config', join(root, 'cfg.json'), '--out', exp, '--no-init');

    const { out, stderr } = await scanCases(exp, [
      { args: ['--data', train, '--test', test, '--out', join(root, 'scan')] },
      { args: ['--data', train, '--test', test, '--out', join(root, 'scan'), '--config', join(root, 'cfg-large.json')] },
    ]);
    type Found = { rules: Record<string, unknown>; test: { pairs: [number, number, boolean][] } };
    const [plain, large] = out as Found[];
    expect(plain.rules).toMatchObject({ seed: BIG_SEED, validationPercent: 0, testPairs: 20, background: null, alignFaces: false });
    expect(large.rules).toMatchObject({ seed: BIG_SEED, imageSize: 544 });
    // The TS Rng hashes a seed of 2^32 or more (toSeed); labtorch's does the same.
    const labels = flattenImages((await scanDir(test)).inventory.identities).identityPerItem;
    expect(plain.test.pairs).toEqual(sampleAvailablePairs(labels, 20, BIG_SEED).map((p) => [p.a, p.b, p.same]));
    expect(stderr).toMatch(/data rules from lab train's rules \(no data\.json\): seed 4294967296, .*centre crop, alpha dropped/);

    // No --test and nothing held out: the run has no evaluation, and says so.
    const alone = await scanCases(exp, [{ args: ['--data', train, '--out', join(root, 'scan')] }]);
    expect(alone.out).toEqual([expect.objectContaining({ test: null })]);
    expect(alone.stderr).toMatch(/note: no evaluation: no image is held out for validation .*; pass --test/);

    // And it trains (a seed ≥ 2^32 also seeds torch and the sampler).
    await exec(PYTHON, [join(exp, 'train.py'), '--data', train, '--out', join(root, 'run-big-seed'), '--workers', '0', '--device', 'cpu'], { env: PY_ENV, timeout: 120_000 });
    const events = (await readFile(join(root, 'run-big-seed', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; reason?: string });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'completed' });
  }, 240_000);

  it('a resume with another --data-seed or --identities is refused, naming the rule; the run folder keeps its data.json and identities.json', async () => {
    const train = join(root, 'train-resume');
    await lab('synth', '--out', train, '--seed', '3', '--identities', '6', '--images', '4', '--size', '32');
    const cfg = { model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 }, batchSize: 4, steps: 4, evalEvery: 0, evalPairs: 20 };
    await writeFile(join(root, 'cfg-resume.json'), JSON.stringify(cfg));
    await writeFile(join(root, 'settings-resume.json'), JSON.stringify({ seed: 7, identities: 5, validationPercent: 0 }));
    const exp = join(root, 'exp-resume');
    await lab('export-torch', '--config', join(root, 'cfg-resume.json'), '--out', exp, '--no-init', '--data-settings', join(root, 'settings-resume.json'));
    const run = join(root, 'run-resume');
    const trainPy = (...extra: string[]) =>
      exec(PYTHON, [join(exp, 'train.py'), '--data', train, '--out', run, '--workers', '0', '--device', 'cpu', ...extra], { env: PY_ENV, timeout: 120_000 });
    await trainPy('--max-steps', '2');
    const rules = await readFile(join(run, 'data.json'), 'utf8');
    const identities = await readFile(join(run, 'identities.json'), 'utf8');
    expect(JSON.parse(identities)).toHaveLength(5);

    await expect(trainPy('--data-seed', '8')).rejects.toMatchObject({ stderr: expect.stringMatching(/cannot resume .* from step 2: data rule 'seed' was 7 .* now 8/) });
    await expect(trainPy('--identities', '4')).rejects.toMatchObject({ stderr: expect.stringMatching(/data rule 'identities' was 5 .* now 4/) });
    expect(await readFile(join(run, 'data.json'), 'utf8')).toBe(rules);
    expect(await readFile(join(run, 'identities.json'), 'utf8')).toBe(identities);

    // The same rules resume and finish.
    await trainPy();
    const events = (await readFile(join(run, 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; reason?: string });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'completed', step: 4 });
  }, 240_000);

  it("load_rgb: without a background the alpha is dropped (lab train's removeAlpha); with one, RGBA and PNG tRNS colours are composited over it", async () => {
    const script = `
import json, os, sys, tempfile
sys.path.insert(0, 'src/cli/torch')
from PIL import Image
from labtorch.data import load_rgb
d = tempfile.mkdtemp()
rgba = os.path.join(d, 'rgba.png'); Image.new('RGBA', (4, 4), (200, 100, 50, 0)).save(rgba)
trns = os.path.join(d, 'trns.png'); Image.new('RGB', (4, 4), (10, 20, 30)).save(trns, transparency=(10, 20, 30))
grey = os.path.join(d, 'grey.png'); Image.new('L', (4, 4), 77).save(grey, transparency=77)
px = lambda path, bg: load_rgb(path, 4, True, bg)[0, 0].tolist()
print(json.dumps([px(rgba, None), px(rgba, 'white'), px(trns, None), px(trns, 'white'), px(grey, 'black'), px(grey, None)]))
`;
    const { stdout } = await exec(PYTHON, ['-c', script], { env: PY_ENV });
    expect(JSON.parse(stdout)).toEqual([
      [200, 100, 50],
      [255, 255, 255],
      [10, 20, 30],
      [255, 255, 255],
      [0, 0, 0],
      [77, 77, 77],
    ]);
  });
});
