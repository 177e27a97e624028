import { describe, expect, it } from 'vitest';
import {
  BUILTIN_DATA,
  BUILTIN_DOMAINS,
  createBuiltinSets,
  createSynthDataset,
  pinBuiltinChoice,
  pixelChecksum,
  resolveSynthSpec,
  SYNTH_DOMAINS,
  type SynthDataset,
} from '../../../src/core/synth/index.ts';
import { createCanvas, ellipse, fill, polygon } from '../../../src/core/synth/raster.ts';

/** Mean absolute difference per byte. */
function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/**
 * The face region (central 8×10 of a 14×14 grid of 8×8 blocks) as block means: downsampling
 * removes noise and blur, the crop removes most of the background, so what remains is the face.
 */
function faceBlocks(image: Uint8Array, size: number): Float64Array {
  const block = size / 14;
  const out = new Float64Array(10 * 8 * 3);
  let k = 0;
  for (let by = 2; by < 12; by++)
    for (let bx = 3; bx < 11; bx++)
      for (let c = 0; c < 3; c++, k++) {
        let sum = 0;
        for (let y = 0; y < block; y++) for (let x = 0; x < block; x++) sum += image[((by * block + y) * size + bx * block + x) * 3 + c];
        out[k] = sum / (block * block);
      }
  return out;
}

/** Average face-region distance over item pairs, split by same identity / same family / other family. */
function pairDistances(ds: SynthDataset): { same: number; family: number; other: number } {
  const blocks = Array.from({ length: ds.count }, (_, i) => faceBlocks(ds.render(i), ds.size));
  const sums = { same: [0, 0], family: [0, 0], other: [0, 0] };
  for (let i = 0; i < ds.count; i++) {
    for (let j = i + 1; j < ds.count; j++) {
      const a = ds.itemIdentity(i);
      const b = ds.itemIdentity(j);
      const kind = a === b ? 'same' : ds.identityFamily[a] === ds.identityFamily[b] ? 'family' : 'other';
      let d = 0;
      for (let k = 0; k < blocks[i].length; k++) d += Math.abs(blocks[i][k] - blocks[j][k]);
      sums[kind][0] += d / blocks[i].length;
      sums[kind][1] += 1;
    }
  }
  return { same: sums.same[0] / sums.same[1], family: sums.family[0] / sums.family[1], other: sums.other[0] / sums.other[1] };
}

const SMALL = { seed: 11, identities: 24, imagesPerIdentity: 4 } as const;

describe('rasteriser', () => {
  it('covers a disc with its area (analytic anti-aliasing, no supersampling)', () => {
    const canvas = createCanvas(64, 64);
    fill(canvas, ellipse(31.3, 30.7, 12.5, 12.5, 0), { r: 255, g: 255, b: 255, alpha: 1 });
    let covered = 0;
    for (let i = 0; i < canvas.data.length; i += 3) covered += canvas.data[i] / 255;
    expect(covered).toBeCloseTo(Math.PI * 12.5 * 12.5, -0.3); // within ±1 px² of 490.9
    // Edge pixels are partially covered: anti-aliased, not binary.
    const partial = Array.from({ length: 64 * 64 }, (_, i) => canvas.data[i * 3]).filter((v) => v > 0 && v < 255).length;
    expect(partial).toBeGreaterThan(40);
  });

  it('fills a pixel-aligned square exactly and half-covers pixels cut by its edge', () => {
    const canvas = createCanvas(16, 16);
    fill(
      canvas,
      polygon([
        [4, 4],
        [10, 4],
        [10, 10.5],
        [4, 10.5],
      ]),
      { r: 200, g: 100, b: 50, alpha: 0.5 },
    );
    const at = (x: number, y: number, c = 0): number => canvas.data[(y * 16 + x) * 3 + c];
    expect(at(4, 4)).toBe(100);
    expect(at(9, 9, 1)).toBe(50);
    expect(at(3, 4)).toBe(0);
    expect(at(10, 4)).toBe(0);
    expect(at(5, 10)).toBeCloseTo(50, 10); // row 10 is half inside (edge at y = 10.5)
  });
});

describe('createSynthDataset', () => {
  it('is deterministic: same seed, same bytes, twice and in a fresh dataset', () => {
    const a = createSynthDataset(SMALL);
    const first = [0, 1, 5, 50].map((i) => a.render(i).slice());
    expect([0, 1, 5, 50].map((i) => a.render(i))).toEqual(first);
    const b = createSynthDataset({ ...SMALL });
    expect([0, 1, 5, 50].map((i) => b.render(i))).toEqual(first);
  });

  it('renders randomly accessed items exactly as in sequence', () => {
    const alone = createSynthDataset(SMALL).render(7).slice();
    const sequential = createSynthDataset(SMALL);
    for (let i = 0; i < 7; i++) sequential.render(i);
    expect(sequential.render(7)).toEqual(alone);
    // Rendering into a caller's buffer gives the same bytes, in that buffer.
    const out = new Uint8Array(112 * 112 * 3);
    expect(sequential.render(7, out)).toBe(out);
    expect(out).toEqual(alone);
  });

  it('gives different images for different seeds', () => {
    const a = createSynthDataset(SMALL).render(0);
    const b = createSynthDataset({ ...SMALL, seed: 12 }).render(0);
    expect(meanAbsDiff(a, b)).toBeGreaterThan(10);
  });

  it('returns size × size × 3 bytes with real contrast, at any size', () => {
    for (const size of [112, 48, 160]) {
      const ds = createSynthDataset({ ...SMALL, size });
      const image = ds.render(3);
      expect(image).toBeInstanceOf(Uint8Array);
      expect(image.length).toBe(size * size * 3);
      let min = 255,
        max = 0;
      for (const v of image) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      expect(max - min).toBeGreaterThan(120);
    }
  });

  it('varies the photos of one identity (nuisance changes pixels)', () => {
    const ds = createSynthDataset(SMALL);
    expect(meanAbsDiff(ds.render(0), ds.render(1))).toBeGreaterThan(10);
    expect(ds.nuisance(0)).not.toEqual(ds.nuisance(1));
    expect(ds.itemIdentity(0)).toBe(ds.itemIdentity(1));
  });

  it('makes one identity closer to itself, and a family closer, than other families', () => {
    const d = pairDistances(createSynthDataset(SMALL));
    expect(d.same).toBeLessThan(0.8 * d.other);
    expect(d.family).toBeLessThan(0.8 * d.other);
    // Without nuisance, family members are still distinct people: farther apart than one person's photos.
    const clean = pairDistances(createSynthDataset({ ...SMALL, difficulty: 0 }));
    expect(clean.same).toBeLessThan(0.85 * clean.family);
  });

  it('scales nuisance with difficulty', () => {
    const spread = (difficulty: number): number => pairDistances(createSynthDataset({ seed: 3, identities: 6, imagesPerIdentity: 4, difficulty })).same;
    expect(spread(0)).toBeLessThan(0.7 * spread(1));
  });

  it('names identities stably and groups them into families of familySize', () => {
    const ds = createSynthDataset({ ...SMALL, identities: 7, familySize: 3 });
    expect(ds.identityNames).toEqual(['synth-0001', 'synth-0002', 'synth-0003', 'synth-0004', 'synth-0005', 'synth-0006', 'synth-0007']);
    expect(ds.identityFamily).toEqual([0, 0, 0, 1, 1, 1, 2]);
    expect(ds.families).toBe(3);
    expect(ds.count).toBe(28);
    expect(ds.itemIdentity(27)).toBe(6);
    expect(ds.itemImage(27)).toBe(3);
    expect(() => ds.render(28)).toThrow(RangeError);
  });

  it('rejects bad specs', () => {
    expect(() => resolveSynthSpec({ seed: 1, identities: 0, imagesPerIdentity: 1 })).toThrow(RangeError);
    expect(() => resolveSynthSpec({ seed: 1.5, identities: 1, imagesPerIdentity: 1 })).toThrow(RangeError);
    expect(() => resolveSynthSpec({ seed: 1, identities: 1, imagesPerIdentity: 1, difficulty: 2 })).toThrow(RangeError);
    expect(() => resolveSynthSpec({ seed: 1, identities: 1, imagesPerIdentity: 1, size: 8 })).toThrow(RangeError);
  });
});

describe('BUILTIN_DATA', () => {
  it('is frozen', () => {
    expect(Object.isFrozen(BUILTIN_DATA)).toBe(true);
    expect(Object.isFrozen(BUILTIN_DATA.train)).toBe(true);
    expect(Object.isFrozen(BUILTIN_DATA.test)).toBe(true);
  });

  it('keeps test identities disjoint from training identities', () => {
    const train = createSynthDataset(BUILTIN_DATA.train);
    const test = createSynthDataset(BUILTIN_DATA.test);
    expect(train.identityNames.length).toBe(BUILTIN_DATA.train.identities);
    expect(test.identityNames.length).toBe(BUILTIN_DATA.test.identities);
    const trainNames = new Set(train.identityNames);
    expect(test.identityNames.filter((n) => trainNames.has(n))).toEqual([]);
    const trainFaces = new Set(train.identityNames.map((_, i) => JSON.stringify(train.identity(i))));
    expect(test.identityNames.filter((_, i) => trainFaces.has(JSON.stringify(test.identity(i))))).toEqual([]);
  });

  it('renders the pinned pixels (checksum shared with the browser test)', () => {
    // Changing the renderer changes this on purpose only: update it together with the browser test.
    const ds = createSynthDataset(BUILTIN_DATA.train);
    expect(pixelChecksum(ds.render(0))).toBe('53dd069f');
  });
});

describe('pinBuiltinChoice', () => {
  it('writes out every field that decides the faces, keeping what the choice names', () => {
    const pinned = pinBuiltinChoice({ train: { identities: 8, domain: 'a' }, test: { difficulty: 0.9 } });
    expect(pinned.train).toEqual({
      identities: 8,
      domain: 'a',
      imagesPerIdentity: BUILTIN_DATA.train.imagesPerIdentity,
      familySize: BUILTIN_DATA.train.familySize,
      difficulty: BUILTIN_DATA.train.difficulty,
    });
    expect(pinned.test).toEqual({
      identities: BUILTIN_DATA.test.identities,
      imagesPerIdentity: BUILTIN_DATA.test.imagesPerIdentity,
      familySize: BUILTIN_DATA.test.familySize,
      difficulty: 0.9,
    });
    // The same sets either way: pinning changes what is recorded, not what is rendered.
    const choice = { train: { identities: 8, imagesPerIdentity: 2 } };
    expect(createBuiltinSets(pinBuiltinChoice(choice), 16).train.identity(5)).toEqual(createBuiltinSets(choice, 16).train.identity(5));
  });
});

describe('two domains (the "Same domain" / "Other domain" data)', () => {
  // One identity per family: 30 independent draws show a domain's appearance statistics (look-alike families of
  // six would share hair and skin, leaving five draws).
  const spec = (split: 'train' | 'test', domain: 'a' | 'b') => ({
    ...BUILTIN_DATA[split],
    ...BUILTIN_DOMAINS[domain][split],
    identities: 30,
    imagesPerIdentity: 2,
    size: 48,
    familySize: 1,
  });
  const sets = (domain: 'a' | 'b') => ({ train: createSynthDataset(spec('train', domain)), test: createSynthDataset(spec('test', domain)) });
  /** Mean over identities of a number drawn from each identity's parameters. */
  const mean = (ds: SynthDataset, f: (i: number) => number) => ds.identityNames.reduce((sum, _, i) => sum + f(i), 0) / ds.identityNames.length;
  const luminance = ([r, g, b]: readonly number[]) => 0.299 * r + 0.587 * g + 0.114 * b;

  it('is deterministic: the same spec renders the same bytes', () => {
    for (const domain of ['a', 'b'] as const) {
      expect(pixelChecksum(sets(domain).train.render(3))).toBe(pixelChecksum(sets(domain).train.render(3)));
    }
  });

  it('gives every split of every domain its own people (no identity shared among the four sets)', () => {
    const all = [sets('a').train, sets('a').test, sets('b').train, sets('b').test];
    const faces = all.map((ds) => new Set(ds.identityNames.map((_, i) => JSON.stringify(ds.identity(i)))));
    for (let x = 0; x < faces.length; x++) {
      for (let y = x + 1; y < faces.length; y++)
        expect(
          [...faces[x]].filter((f) => faces[y].has(f)),
          `${x} vs ${y}`,
        ).toEqual([]);
    }
  });

  it('differ in appearance statistics: skin, hair and eye colours, and the spread of face shapes', () => {
    const a = sets('a').train;
    const b = sets('b').train;
    // Domain a is light-skinned, b dark-skinned: no overlap of skin luminance at all.
    const skinA = a.identityNames.map((_, i) => luminance(a.identity(i).skin));
    const skinB = b.identityNames.map((_, i) => luminance(b.identity(i).skin));
    expect(Math.min(...skinA)).toBeGreaterThan(Math.max(...skinB));
    // b's hair is dark (black or dark brown, jittered); a's includes light colours.
    expect(Math.max(...b.identityNames.map((_, i) => luminance(b.identity(i).hairColor)))).toBeLessThan(80);
    expect(Math.max(...a.identityNames.map((_, i) => luminance(a.identity(i).hairColor)))).toBeGreaterThan(120);
    // b's face shapes vary less (shapeSpread 0.7): compare the spread of eye spacing.
    const spread = (ds: SynthDataset) => {
      const m = mean(ds, (i) => ds.identity(i).eyes.spacing);
      return Math.sqrt(mean(ds, (i) => (ds.identity(i).eyes.spacing - m) ** 2));
    };
    expect(spread(b)).toBeLessThan(spread(a));
    expect(SYNTH_DOMAINS.b.shapeSpread).toBeLessThan(SYNTH_DOMAINS.a.shapeSpread);
  });

  it("leaves the default 'mixed' faces as they were, and rejects an unknown domain", () => {
    expect(pixelChecksum(createSynthDataset({ ...BUILTIN_DATA.train, domain: 'mixed' }).render(0))).toBe('53dd069f');
    expect(() => createSynthDataset({ ...BUILTIN_DATA.train, domain: 'c' as 'a' })).toThrow(/domain must be one of mixed, a, b/);
  });
});

describe('pixelChecksum', () => {
  it('is 32-bit FNV-1a in hex (published test vectors)', () => {
    expect(pixelChecksum(new Uint8Array(0))).toBe('811c9dc5');
    expect(pixelChecksum(new TextEncoder().encode('a'))).toBe('e40c292c');
    expect(pixelChecksum(new TextEncoder().encode('foobar'))).toBe('bf9cf968');
  });
});
