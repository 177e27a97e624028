/**
 * `lab align` on the demo photos that ship inside @vladmandic/face-api (read from node_modules,
 * copied into a temporary folder at test time, never committed), plus the tfjs warp on synthetic
 * images. Tiny detector on wasm: about 0.5 s per 1920-px photo.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAffine, translation } from '../../../src/core/align/affine.ts';
import { similarityAffine } from '../../../src/core/align/similarity.ts';
import { ARCFACE_TEMPLATE_112, fivePointsFrom68 } from '../../../src/core/align/template.ts';
import { encodeRgbPng } from '../../../src/cli/png.ts';
import { alignPairsTxt, loadNodeFaceApi, run, type AlignedImage, type AlignReport } from '../../../src/cli/commands/align.ts';
import { UsageError } from '../../../src/cli/args.ts';

const exec = promisify(execFile);
const DEMO = join(dirname(new URL(import.meta.resolve('@vladmandic/face-api/package.json')).pathname), 'demo');

/**
 * Faces the tiny detector finds at score ≥ 0.5 in sample1–6.jpg (measured with face-api 1.7.15;
 * the photos hold 22 faces: the tiny detector misses two small ones, see the report).
 */
const TINY_FACES: Record<string, number> = {
  'groupA/sample1.jpg': 3,
  'groupA/sample2.jpg': 1,
  'groupA/sample3.jpg': 3,
  'groupB/sample4.jpg': 3,
  'groupB/sample5.jpg': 5,
  'groupB/sample6.jpg': 5,
};

/** One fold of one same and one different pair (LFW's header: folds, pairs of each kind per fold). */
const PAIRS_WITH_FACES = '1\t1\ngroupA\t1\t2\ngroupA\t3\tgroupB\t2\n';

let root: string;
let report: AlignReport;
let perImage: AlignedImage[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-align-'));
  for (const path of Object.keys(TINY_FACES)) {
    await mkdir(join(root, 'data', dirname(path)), { recursive: true });
    await copyFile(join(DEMO, path.split('/')[1]), join(root, 'data', path));
  }
  // A flat grey picture: an image, but no face.
  await writeFile(join(root, 'data/groupB/wall.png'), encodeRgbPng(new Uint8Array(200 * 150 * 3).fill(128), 200, 150));
  // LFW-style pairs over photos with faces (wall.png is groupB's 4th image, named by none).
  await writeFile(join(root, 'data/pairs.txt'), PAIRS_WITH_FACES);
  const { stdout } = await exec('node_modules/.bin/tsx', ['src/cli/lab.ts', 'align', '--data', join(root, 'data'), '--out', join(root, 'out')], { cwd: process.cwd() });
  report = JSON.parse(stdout) as AlignReport;
  perImage = (JSON.parse(await readFile(join(root, 'out/align-report.json'), 'utf8')) as { perImage: AlignedImage[] }).perImage;
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('lab align on the face-api demo photos (tiny detector)', () => {
  it('finds the expected number of faces in each photo', () => {
    const found = Object.fromEntries(perImage.filter((p) => p.faces > 0).map((p) => [p.path, p.faces]));
    expect(found).toEqual(TINY_FACES);
  });

  it('leaves out the image without a face, lists it with the reason, and counts before and after', () => {
    expect(report.noFace).toEqual([{ path: 'groupB/wall.png', reason: 'no face found (tiny detector, score ≥ 0.5)', reasonCode: 'no-face' }]);
    expect(report.before).toEqual({ identities: 2, images: 7 });
    expect(report.after).toEqual({ identities: 2, images: 6 });
    expect(report).toMatchObject({ detector: 'tiny', scoreThreshold: 0.5, size: 112, backend: 'wasm' });
  });

  it('writes a 112×112 RGB PNG per face image in the same identity folder', async () => {
    const outs = perImage.filter((p) => p.out).map((p) => p.out);
    expect(outs).toEqual(Object.keys(TINY_FACES).map((p) => p.replace(/\.jpg$/, '.png')));
    for (const out of outs) {
      const png = decode(await readFile(join(root, 'out', out!)));
      expect([png.width, png.height, png.channels]).toEqual([112, 112, 3]);
    }
  });

  it('puts the eyes on the template: by the fit, and by landmarks found again on the crop', async () => {
    for (const image of perImage.filter((p) => p.out)) {
      expect(Math.max(...image.eyeErrors!)).toBeLessThan(3);
    }
    const { startBackend } = await import('../../../src/cli/commands/train.ts');
    await startBackend('wasm');
    const tf = await import('@tensorflow/tfjs');
    const { loadFaceModels, landmarksOfCrop } = await import('../../../src/ml/align/faceApi.ts');
    const { faceapi, readModel } = loadNodeFaceApi();
    await loadFaceModels(faceapi, 'tiny', readModel);
    const worst: number[] = [];
    for (const image of perImage.filter((p) => p.out)) {
      const png = decode(await readFile(join(root, 'out', image.out!)));
      const crop = tf.tensor3d(Int32Array.from(png.data), [112, 112, 3], 'int32');
      const five = fivePointsFrom68(await landmarksOfCrop(faceapi, crop));
      crop.dispose();
      worst.push(Math.max(...[0, 1].map((i) => Math.hypot(five[i].x - ARCFACE_TEMPLATE_112[i].x, five[i].y - ARCFACE_TEMPLATE_112[i].y))));
    }
    // Measured 1.4–2.9 px; a crop off by a flipped sign or a half-size template misses by > 10 px.
    expect(Math.max(...worst)).toBeLessThan(4);
  });
});

describe('lab align and a root pairs.txt', () => {
  it('copies it unchanged when every image it names has a face and keeps its number', async () => {
    expect(await readFile(join(root, 'out/pairs.txt'), 'utf8')).toBe(PAIRS_WITH_FACES);
    expect(report.pairsTxt).toEqual({ pairs: 2, kept: 2, noFaceImages: [], renumbered: false });
  });

  it('renumbers so each pair names the same photos, leaves out pairs with a faceless photo, and says so', async () => {
    const data = join(root, 'pairs-data');
    for (const [path, demo] of [
      ['A/b.jpg', 'sample2.jpg'],
      ['A/c.jpg', 'sample3.jpg'],
      ['B/d.jpg', 'sample1.jpg'],
      ['B/e.jpg', 'sample4.jpg'],
    ]) {
      await mkdir(join(data, dirname(path)), { recursive: true });
      await copyFile(join(DEMO, demo), join(data, path));
    }
    // A/a.png has no face and sorts first: A's photos b and c are images 2 and 3 in DATA, 1 and 2 in OUT.
    await writeFile(join(data, 'A/a.png'), encodeRgbPng(new Uint8Array(64 * 64 * 3).fill(128), 64, 64));
    await writeFile(join(data, 'pairs.txt'), '1\t2\nA\t1\t2\nA\t2\t3\nA\t3\tB\t1\nA\t1\tB\t2\n');
    const { stdout, stderr } = await exec('node_modules/.bin/tsx', ['src/cli/lab.ts', 'align', '--data', data, '--out', join(root, 'pairs-out')], { cwd: process.cwd() });
    const expected = { pairs: 4, kept: 2, noFaceImages: ['A/a.png'], renumbered: true };
    expect((JSON.parse(stdout) as AlignReport).pairsTxt).toEqual(expected);
    expect((JSON.parse(await readFile(join(root, 'pairs-out/align-report.json'), 'utf8')) as AlignReport).pairsTxt).toEqual(expected);
    expect(stderr).toMatch(
      /pairs\.txt names 1 image\(s\) without a face \(A\/a\.png\): the 2 pair\(s\) with them are left out of .*pairs\.txt, 2 of 4 kept; image numbers rewritten/,
    );
    expect(await readFile(join(root, 'pairs-out/pairs.txt'), 'utf8')).toBe('2\nA\t1\t2\nA\t2\tB\t1\n');
  }, 120_000);

  it('alignPairsTxt keeps the folds header when every pair survives a renumbering, and refuses a pairs.txt the folder cannot resolve', () => {
    const before = [
      { key: 'A', name: 'A', files: ['A/1.jpg', 'A/2.jpg', 'A/3.jpg'] },
      { key: 'B', name: 'B', files: ['B/1.jpg'] },
    ];
    const after = [
      { key: 'A', name: 'A', files: ['A/2.png', 'A/3.png'] },
      { key: 'B', name: 'B', files: ['B/1.png'] },
    ];
    const outOf = new Map([
      ['A/2.jpg', 'A/2.png'],
      ['A/3.jpg', 'A/3.png'],
      ['B/1.jpg', 'B/1.png'],
    ]);
    expect(alignPairsTxt('1\t1\nA\t2\t3\nA\t3\tB\t1\n', before, after, outOf)).toEqual({
      text: '1\t1\nA\t1\t2\nA\t2\tB\t1\n',
      report: { pairs: 2, kept: 2, noFaceImages: [], renumbered: true },
    });
    expect(() => alignPairsTxt('1\nA\t2\t4\n', before, after, outOf)).toThrow(/no image 4 of 'A'/);
  });
});

describe('the tfjs warp', () => {
  it('samples the source at the inverse map, bilinearly, with zeros outside the image', async () => {
    const { startBackend } = await import('../../../src/cli/commands/train.ts');
    await startBackend('wasm');
    const tf = await import('@tensorflow/tfjs');
    const { warpAffine, warpToBytes } = await import('../../../src/ml/align/warp.ts');
    // A 20×20 image whose red channel is 10·x and green 10·y (x = column, y = row).
    const values = new Float32Array(20 * 20 * 3);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) values.set([10 * x, 10 * y, 7], (y * 20 + x) * 3);
    const image = tf.tensor3d(values, [20, 20, 3]);
    // Forward map: rotate by 90° and shift, so output (u, v) samples source (v, 19 − u).
    const forward = similarityAffine(1, Math.PI / 2, 19, 0);
    const out = warpAffine(image, forward, 20);
    const data = await out.data();
    const sourceOf = (u: number, v: number) => applyAffine([0, 1, 0, -1, 0, 19], { x: u, y: v });
    for (const [u, v] of [
      [0, 0],
      [5, 12],
      [19, 19],
    ]) {
      const s = sourceOf(u, v);
      expect(applyAffine(forward, s).x).toBeCloseTo(u, 9);
      expect([data[(v * 20 + u) * 3], data[(v * 20 + u) * 3 + 1]].map((n) => Math.round(n))).toEqual([10 * s.x, 10 * s.y]);
    }
    out.dispose();
    // Half a pixel of shift interpolates; a shift of 5 leaves a 5-px zero border.
    const half = await warpToBytes(image, translation(-0.5, 0), 20);
    expect(half[(3 * 20 + 4) * 3]).toBe(45);
    const shifted = await warpToBytes(image, translation(5, 0), 20);
    expect(Array.from(shifted.subarray((2 * 20 + 0) * 3, (2 * 20 + 5) * 3))).toEqual(new Array(15).fill(0));
    expect(Array.from(shifted.subarray((2 * 20 + 5) * 3, (2 * 20 + 5) * 3 + 3))).toEqual([0, 20, 7]);
    image.dispose();
  });
});

describe('lab align usage', () => {
  it('rejects missing or bad options with a usage error', async () => {
    await expect(run(['--data', 'x'])).rejects.toThrow(UsageError);
    await expect(run(['--data', 'x', '--out', 'y', '--detector', 'mtcnn'])).rejects.toThrow(/tiny or ssd/);
    await expect(run(['--data', 'x', '--out', 'y', '--score', '2'])).rejects.toThrow(/\[0, 1\]/);
  });
});
