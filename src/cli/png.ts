/** PNG files for the CLI, through fast-png (pure JS: no native build, same bytes everywhere). */
import { encode } from 'fast-png';

/** Encodes width × height RGB bytes (row-major, 3 per pixel) as an 8-bit PNG. */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes for ${width}×${height}, got ${rgb.length}`);
  return encode({ width, height, data: rgb, channels: 3, depth: 8 });
}

/**
 * Tiles equally sized square RGB images into one grid image (`columns` across, row by row), with
 * `gap` pixels of `background` grey between them: contact sheets for looking at a dataset.
 */
export function tileRgb(images: readonly Uint8Array[], size: number, columns: number, gap = 2, background = 255): { rgb: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(images.length / columns);
  const width = columns * size + (columns + 1) * gap;
  const height = rows * size + (rows + 1) * gap;
  const rgb = new Uint8Array(width * height * 3).fill(background);
  images.forEach((image, i) => {
    const x0 = gap + (i % columns) * (size + gap);
    const y0 = gap + Math.floor(i / columns) * (size + gap);
    for (let y = 0; y < size; y++) rgb.set(image.subarray(y * size * 3, (y + 1) * size * 3), ((y0 + y) * width + x0) * 3);
  });
  return { rgb, width, height };
}
