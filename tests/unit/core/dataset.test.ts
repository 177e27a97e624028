/**
 * Pure ingestion rules: path → identity (unicode, root option, nesting, hidden files), magic-byte
 * sniffing, the inventory's counts and order, and seeded sampling with its invariants.
 */
import { describe, expect, it } from 'vitest';
import {
  buildInventory,
  checkBmpStructure,
  classifyPath,
  compareCodePoints,
  flattenImages,
  pickedRootOf,
  sampleDataset,
  sniffFormat,
  type Identity,
  type ScannedFile,
} from '../../../src/core/dataset/index.ts';

const bytes = (...values: (number | string)[]): Uint8Array => Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));
const u32le = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
const u16le = (n: number) => [n & 255, (n >>> 8) & 255];

/** A BMP file header + BITMAPINFOHEADER for a width×height 24-bit image (no pixels). */
function bmpHeader(width: number, height: number, fileSize: number): Uint8Array {
  return bytes(
    'BM',
    ...u32le(fileSize),
    0,
    0,
    0,
    0,
    ...u32le(54),
    ...u32le(40),
    ...u32le(width),
    ...u32le(height),
    ...u16le(1),
    ...u16le(24),
    ...u32le(0),
    ...u32le(0),
    ...u32le(2835),
    ...u32le(2835),
    ...u32le(0),
    ...u32le(0),
  );
}

describe('classifyPath', () => {
  it('takes the folder that directly holds the image as the identity, verbatim', () => {
    expect(classifyPath('平木大作/001.jpg')).toEqual({ kind: 'identity', identityKey: '平木大作', identityName: '平木大作', fileName: '001.jpg' });
    expect(classifyPath('Mary Ann  Smith/a b.png')).toMatchObject({ identityKey: 'Mary Ann  Smith', fileName: 'a b.png' });
    expect(classifyPath('🙂 Zoë/1.jpg')).toMatchObject({ identityName: '🙂 Zoë' });
  });

  it('normalises NFD names (macOS) to NFC so both spellings are one identity', () => {
    const nfd = classifyPath('Jose\u0301/1.jpg');
    const nfc = classifyPath('Jos\u00e9/1.jpg');
    expect(nfd).toEqual(nfc);
    expect(nfd).toMatchObject({ identityKey: 'Jos\u00e9' });
    expect(classifyPath('Jos\u00e9/1.jpg', { root: 'pi\u0301cked' })).toEqual({ kind: 'outside' });
    expect(classifyPath('pi\u0301cked/Jose\u0301/1.jpg', { root: 'p\u00edcked' })).toMatchObject({ identityKey: 'Jos\u00e9' });
  });

  it('strips the picked root of browser paths; files directly in it are outside any identity', () => {
    expect(classifyPath('picked/alice/1.jpg', { root: 'picked' })).toMatchObject({ identityKey: 'alice' });
    expect(classifyPath('picked/1.jpg', { root: 'picked' })).toEqual({ kind: 'outside' });
    expect(classifyPath('other/alice/1.jpg', { root: 'picked' })).toEqual({ kind: 'outside' });
    expect(classifyPath('picked/alice/1.jpg')).toMatchObject({ identityKey: 'picked/alice', identityName: 'alice' });
    expect(classifyPath('1.jpg')).toEqual({ kind: 'outside' });
  });

  it('keys nested identities by folder path and shows the leaf name', () => {
    expect(classifyPath('x/Kim/1.jpg')).toMatchObject({ identityKey: 'x/Kim', identityName: 'Kim' });
    expect(classifyPath('y/Kim/1.jpg')).toMatchObject({ identityKey: 'y/Kim', identityName: 'Kim' });
    expect(classifyPath('x/1.jpg')).toMatchObject({ identityKey: 'x' });
  });

  it('marks hidden and system files and anything in a dot-folder as hidden', () => {
    for (const p of [
      'a/.DS_Store',
      'a/Thumbs.db',
      'a/THUMBS.DB',
      'a/desktop.ini',
      'a/._1.jpg',
      'a/.secret.jpg',
      '.git/x/1.jpg',
      'a/.thumbs/1.jpg',
      '__MACOSX/a/1.jpg',
      '.DS_Store',
      'a/Icon\r',
    ]) {
      expect(classifyPath(p), p).toEqual({ kind: 'hidden' });
    }
    expect(classifyPath('.picked/a/1.jpg', { root: '.picked' })).toMatchObject({ kind: 'identity' });
  });

  it('finds the picked root of a webkitRelativePath listing', () => {
    expect(pickedRootOf(['faces/a/1.jpg', 'faces/b/2.jpg', 'faces/x.txt'])).toBe('faces');
    expect(pickedRootOf(['faces/a/1.jpg', 'other/b/2.jpg'])).toBeUndefined();
    expect(pickedRootOf(['a/1.jpg', '2.jpg'])).toBeUndefined();
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, unlike the default UTF-16 sort', () => {
    const names = ['\uFF21.jpg', '😀.jpg', 'b.jpg', 'a.jpg']; // U+FF21 < U+1F600, but its code unit is above the surrogates
    expect([...names].sort()).toEqual(['a.jpg', 'b.jpg', '😀.jpg', '\uFF21.jpg']);
    expect([...names].sort(compareCodePoints)).toEqual(['a.jpg', 'b.jpg', '\uFF21.jpg', '😀.jpg']);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });
});

describe('sniffFormat', () => {
  const cases: [string, Uint8Array, unknown][] = [
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16, 'JFIF'), { kind: 'supported', format: 'jpeg' }],
    ['PNG', bytes(0x89, 'PNG', 13, 10, 26, 10, 0, 0, 0, 13, 'IHDR'), { kind: 'supported', format: 'png' }],
    ['GIF', bytes('GIF89a', 1, 0, 1, 0), { kind: 'supported', format: 'gif' }],
    ['WebP', bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '), { kind: 'supported', format: 'webp' }],
    ['WAV (RIFF but not WebP)', bytes('RIFF', 0, 0, 0, 0, 'WAVEfmt '), { kind: 'not-image' }],
    ['BMP', bmpHeader(2, 2, 70), { kind: 'supported', format: 'bmp' }],
    ['text that starts with BM', bytes('BMW owners club minutes, 2024 edition'), { kind: 'not-image' }],
    ['AVIF', bytes(0, 0, 0, 28, 'ftypavif', 0, 0, 0, 0, 'avifmif1miaf'), { kind: 'supported', format: 'avif' }],
    ['AVIF under mif1', bytes(0, 0, 0, 24, 'ftypmif1', 0, 0, 0, 0, 'mif1avif'), { kind: 'supported', format: 'avif' }],
    ['HEIC', bytes(0, 0, 0, 24, 'ftypheic', 0, 0, 0, 0, 'mif1heic'), { kind: 'unsupported', format: 'heic' }],
    ['MP4', bytes(0, 0, 0, 24, 'ftypisom', 0, 0, 2, 0, 'isomiso2'), { kind: 'not-image' }],
    ['TIFF II', bytes('II', 42, 0, 8, 0, 0, 0), { kind: 'unsupported', format: 'tiff' }],
    ['TIFF MM', bytes('MM', 0, 42, 0, 0, 0, 8), { kind: 'unsupported', format: 'tiff' }],
    ['JPEG XL codestream', bytes(0xff, 0x0a, 0xfa, 0x7f), { kind: 'unsupported', format: 'jxl' }],
    ['JPEG XL container', bytes(0, 0, 0, 12, 'JXL ', 13, 10, 0x87, 10), { kind: 'unsupported', format: 'jxl' }],
    ['JPEG 2000', bytes(0, 0, 0, 12, 'jP  ', 13, 10, 0x87, 10), { kind: 'unsupported', format: 'jp2' }],
    ['PSD', bytes('8BPS', 0, 1), { kind: 'unsupported', format: 'psd' }],
    ['ICO', bytes(0, 0, 1, 0, 1, 0, 16, 16), { kind: 'unsupported', format: 'ico' }],
    ['SVG', bytes(0xef, 0xbb, 0xbf, '<?xml version="1.0"?>\n<!-- x -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'), { kind: 'unsupported', format: 'svg' }],
    ['HTML', bytes('<!doctype html><html><body>hi</body></html>'), { kind: 'not-image' }],
    ['text', bytes('hello, this is a .jpg in name only'), { kind: 'not-image' }],
    ['empty', bytes(), { kind: 'not-image' }],
    ['two bytes of JPEG', bytes(0xff, 0xd8), { kind: 'not-image' }],
  ];
  it.each(cases)('%s', (_, head, expected) => {
    expect(sniffFormat(head)).toEqual(expected);
  });
});

describe('checkBmpStructure', () => {
  it('accepts an uncompressed BMP whose padded rows fit and reports a truncated one', () => {
    // 3 px × 24 bit = 9 bytes, padded to 12 per row; 2 rows → 54 + 24 = 78 bytes.
    expect(checkBmpStructure(bmpHeader(3, 2, 78), 78)).toBeNull();
    expect(checkBmpStructure(bmpHeader(3, -2, 78), 78)).toBeNull(); // top-down
    expect(checkBmpStructure(bmpHeader(3, 2, 78), 77)).toMatch(/truncated BMP: pixel data needs 78 bytes, file has 77/);
    expect(checkBmpStructure(bmpHeader(0, 2, 78), 78)).toMatch(/invalid dimensions/);
  });
});

const image = (path: string, size = 100): ScannedFile => ({ path, size, sniff: { kind: 'supported', format: 'jpeg' }, decode: { ok: true } });

describe('buildInventory', () => {
  it('counts images per identity, sorts files by code point and lists every skipped file with its reason', () => {
    const inventory = buildInventory(
      [
        image('root/b/2.jpg'),
        image('root/b/10.jpg'),
        image('root/b/😀.jpg'),
        image('root/b/\uFF21.jpg'),
        image('root/a/1.jpg'),
        { path: 'root/a/x.jpg', size: 10, sniff: { kind: 'supported', format: 'jpeg' }, decode: { ok: false, error: 'premature end' } },
        { path: 'root/c/1.tif', size: 10, sniff: { kind: 'unsupported', format: 'tiff' } },
        { path: 'root/c/2.jpg', size: 0 },
        { path: 'root/d/x.jpg', size: 5, sniff: { kind: 'not-image' } },
        { path: 'root/e/x.jpg', size: 5, readError: 'EACCES' },
        image('root/.DS_Store'),
        image('root/loose.jpg'),
      ],
      { root: 'root' },
    );
    expect(inventory.identities).toEqual([
      { key: 'a', name: 'a', files: ['root/a/1.jpg'] },
      { key: 'b', name: 'b', files: ['root/b/10.jpg', 'root/b/2.jpg', 'root/b/\uFF21.jpg', 'root/b/😀.jpg'] },
    ]);
    expect(inventory.images).toBe(5);
    expect(inventory.singletons).toEqual(['a']);
    expect(inventory.unusableFolders).toEqual(['c', 'd', 'e']);
    expect(inventory.skipped.map((s) => [s.path, s.reason.code])).toEqual([
      ['root/.DS_Store', 'hidden'],
      ['root/a/x.jpg', 'corrupt'],
      ['root/c/1.tif', 'unsupported-format'],
      ['root/c/2.jpg', 'zero-bytes'],
      ['root/d/x.jpg', 'not-image'],
      ['root/e/x.jpg', 'unreadable'],
      ['root/loose.jpg', 'outside-identity'],
    ]);
    expect(inventory.skipped[2].reason.message).toBe('unsupported format: TIFF');
    expect(inventory.skipped[3].reason).toEqual({ code: 'zero-bytes', message: 'empty file (0 bytes)' });
    expect(inventory.skipped[1].reason.message).toMatch(/corrupt or truncated.*premature end/);
  });

  it('merges NFD and NFC spellings of a folder and numbers images in identity then file order', () => {
    const inventory = buildInventory([image('Jose\u0301/b.jpg'), image('Jos\u00e9/a.jpg'), image('Ann/z.jpg')]);
    expect(inventory.identities.map((id) => [id.key, id.files.length])).toEqual([
      ['Ann', 1],
      ['Jos\u00e9', 2],
    ]);
    expect(inventory.identities[1].files).toEqual(['Jos\u00e9/a.jpg', 'Jose\u0301/b.jpg']); // verbatim paths, sorted by NFC name
    expect(flattenImages(inventory.identities)).toEqual({
      identityPerItem: [0, 1, 1],
      items: [
        { identity: 0, index: 1 },
        { identity: 1, index: 1 },
        { identity: 1, index: 2 },
      ],
    });
  });
});

/** Identity `id<i>` with counts[i] files f00…; keys sort in index order for i < 10. */
function identities(counts: number[]): Identity[] {
  return counts.map((n, i) => ({ key: `id${i}`, name: `id${i}`, files: Array.from({ length: n }, (_, j) => `id${i}/f${String(j).padStart(2, '0')}`) }));
}

describe('sampleDataset', () => {
  const pool = identities([1, 2, 3, 4, 5, 6, 7, 8, 9, 30]);

  it('is deterministic for a seed and differs across seeds', () => {
    const options = { identities: 4, maxImages: 5, validationFraction: 0.25 };
    const a = sampleDataset(pool, { seed: 7, ...options });
    expect(sampleDataset([...pool].reverse(), { seed: 7, ...options })).toEqual(a);
    const others = [8, 9, 10].map((seed) => sampleDataset(pool, { seed, ...options }));
    expect(others.some((b) => JSON.stringify(b) !== JSON.stringify(a))).toBe(true);
  });

  it('keeps K identities among those with at least minImages', () => {
    const sample = sampleDataset(pool, { seed: 3, identities: 4, minImages: 5 });
    expect(sample.eligible).toBe(6);
    expect(sample.train).toHaveLength(4);
    for (const id of sample.train) expect(id.files.length).toBeGreaterThanOrEqual(5);
    expect(sample.validation).toEqual([]);
    // Over many seeds every eligible identity gets picked sometimes and no ineligible one ever.
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) sampleDataset(pool, { seed, identities: 4, minImages: 5 }).train.forEach((id) => seen.add(id.key));
    expect([...seen].sort()).toEqual(['id4', 'id5', 'id6', 'id7', 'id8', 'id9']);
  });

  it('caps images per identity with a seeded choice that keeps sorted order', () => {
    const sample = sampleDataset(pool, { seed: 11, maxImages: 4 });
    expect(sample.train.map((id) => id.files.length)).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 4]);
    const big = sample.train[9].files;
    expect([...big].sort()).toEqual(big);
    expect(new Set(big).size).toBe(4);
    expect(big.every((f) => pool[9].files.includes(f))).toBe(true);
    // The kept images vary with the seed (not always the first four).
    const capChoices = new Set([0, 1, 2, 3, 4, 5].map((seed) => sampleDataset(pool, { seed, maxImages: 4 }).train[9].files.join()));
    expect(capChoices.size).toBeGreaterThan(1);
  });

  it("holds out round(fraction × images) for validation and never an identity's last image", () => {
    const sample = sampleDataset(pool, { seed: 5, validationFraction: 0.3 });
    const total = pool.reduce((n, id) => n + id.files.length, 0); // 75
    const held = sample.validation.reduce((n, id) => n + id.files.length, 0);
    expect(held).toBe(Math.round(0.3 * total));
    for (const [i, id] of sample.train.entries()) {
      expect(id.files.length).toBeGreaterThanOrEqual(1);
      const validation = sample.validation.find((v) => v.key === id.key)?.files ?? [];
      expect(validation.filter((f) => id.files.includes(f))).toEqual([]);
      expect([...id.files, ...validation].sort()).toEqual(pool[i].files);
    }
    expect(sample.validation.some((v) => v.key === 'id0')).toBe(false);
    expect(sample.singletons).toContain('id0');
    // A fraction beyond what can be held out stops at one training image per identity.
    const greedy = sampleDataset(identities([2, 2, 3]), { seed: 1, validationFraction: 0.9 });
    expect(greedy.train.map((id) => id.files.length)).toEqual([1, 1, 1]);
    expect(greedy.singletons).toEqual(['id0', 'id1', 'id2']);
  });

  it('rejects impossible settings', () => {
    expect(() => sampleDataset(pool, { seed: 1, validationFraction: 1 })).toThrow(RangeError);
    expect(() => sampleDataset(pool, { seed: 1, identities: 0 })).toThrow(/identities/);
    expect(() => sampleDataset(pool, { seed: 1, minImages: 3, maxImages: 2 })).toThrow(/maxImages/);
  });
});
