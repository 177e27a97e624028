/** Pixel helpers and the byte-budgeted pixel cache. */
import { describe, expect, it } from 'vitest';
import { PixelCache } from '../../../src/core/dataset/pixelCache.ts';
import { bytesPerImage, cropRect, rgbaToRgb, rgbToRgba } from '../../../src/core/pixels.ts';

describe('pixel cache', () => {
  it('keeps images while they fit in the budget and reports the bytes', () => {
    const cache = new PixelCache(3 * bytesPerImage(112));
    expect(bytesPerImage(112)).toBe(37_632);
    for (let i = 0; i < 4; i++) expect(cache.tryPut(`train:${i}`, new Uint8Array(bytesPerImage(112)))).toBe(i < 3);
    expect([cache.size, cache.bytesUsed]).toEqual([3, 3 * 37_632]);
    cache.retainOnly('train:', new Set(['train:1']));
    expect([cache.size, cache.has('train:1')]).toEqual([1, true]);
    cache.setBudget(0);
    expect([cache.size, cache.bytesUsed]).toEqual([0, 0]);
  });
});

describe('decoding helpers', () => {
  it('crops the centred square of landscape and portrait frames', () => {
    expect(cropRect(300, 200, true)).toEqual({ sx: 50, sy: 0, sw: 200, sh: 200 });
    expect(cropRect(3, 8, true)).toEqual({ sx: 0, sy: 2, sw: 3, sh: 3 });
    expect(cropRect(300, 200, false)).toEqual({ sx: 0, sy: 0, sw: 300, sh: 200 });
  });

  it('drops alpha and restores it opaque', () => {
    const rgb = rgbaToRgb(Uint8Array.from([1, 2, 3, 0, 4, 5, 6, 255]));
    expect([...rgb]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...rgbToRgba(rgb)]).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
  });
});
