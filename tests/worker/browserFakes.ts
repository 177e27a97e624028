/**
 * Just enough of the browser's image decoding for the folder pipeline to run in Node:
 * `createImageBitmap` (PNG files through fast-png; crop + nearest-neighbour resize) and an
 * `OffscreenCanvas` whose 2D context draws one bitmap and reads it back. Pixels pass through
 * unchanged when the requested size equals the file's, so tests can compare them exactly.
 */
import { decode, encode } from 'fast-png';
import { vi } from 'vitest';

/** A decoded image: RGBA rows, like an ImageBitmap's content. */
class FakeBitmap {
  closed = false;
  constructor(
    readonly width: number,
    readonly height: number,
    readonly rgba: Uint8ClampedArray,
  ) {}
  close(): void {
    this.closed = true;
  }
}

/** RGBA of a decoded PNG (RGB or RGBA, 8-bit). */
function toRgba(png: ReturnType<typeof decode>): Uint8ClampedArray {
  const out = new Uint8ClampedArray(png.width * png.height * 4);
  for (let p = 0; p < png.width * png.height; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = png.data[p * png.channels + c];
    out[p * 4 + 3] = png.channels === 4 ? png.data[p * 4 + 3] : 255;
  }
  return out;
}

async function createImageBitmap(
  source: Blob | FakeBitmap,
  sx?: number,
  sy?: number,
  sw?: number,
  sh?: number,
  options?: { resizeWidth?: number; resizeHeight?: number },
): Promise<FakeBitmap> {
  if (source instanceof Blob) {
    const png = decode(new Uint8Array(await source.arrayBuffer()));
    return new FakeBitmap(png.width, png.height, toRgba(png));
  }
  const [x0, y0, w0, h0] = [sx ?? 0, sy ?? 0, sw ?? source.width, sh ?? source.height];
  const width = options?.resizeWidth ?? w0;
  const height = options?.resizeHeight ?? h0;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = ((y0 + Math.floor((y * h0) / height)) * source.width + x0 + Math.floor((x * w0) / width)) * 4;
      out.set(source.rgba.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return new FakeBitmap(width, height, out);
}

/** A 2D context that keeps the last bitmap drawn at (0, 0). */
class FakeContext {
  globalCompositeOperation = 'source-over';
  fillStyle = '#000';
  private drawn: FakeBitmap | undefined;
  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}
  fillRect(): void {}
  drawImage(bitmap: FakeBitmap): void {
    this.drawn = bitmap;
  }
  getImageData(): { data: Uint8ClampedArray } {
    if (!this.drawn || this.drawn.width !== this.width || this.drawn.height !== this.height) throw new Error('fake canvas: draw a bitmap of the canvas size first');
    return { data: this.drawn.rgba.slice() };
  }
}

class FakeOffscreenCanvas {
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}
  getContext(): FakeContext {
    return new FakeContext(this.width, this.height);
  }
}

/** Install the fakes as globals (undone by vi.unstubAllGlobals). */
export function installImageFakes(): void {
  vi.stubGlobal('createImageBitmap', createImageBitmap);
  vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
}

/** An RGB image of side `size` as PNG bytes. */
export function rgbPng(rgb: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  // Copied into a plain ArrayBuffer: File and Blob take no views of shared buffers.
  return new Uint8Array(encode({ width: size, height: size, data: rgb, channels: 3, depth: 8 }));
}
