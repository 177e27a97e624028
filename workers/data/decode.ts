/**
 * Decoding picked files with the browser's own decoder, in the worker.
 *
 * Path: `createImageBitmap(file)` decodes the whole image (a failure means the file is corrupt or
 * truncated beyond decoding), then `createImageBitmap(bitmap, sx, sy, sw, sh, { resizeWidth,
 * resizeHeight, resizeQuality: 'high' })` crops the centred square (or keeps the whole frame) and
 * resizes it, then the result is drawn onto an OffscreenCanvas that was first filled with the
 * background colour, and `getImageData` gives RGBA from which alpha is dropped.
 *
 * Alpha: transparent pixels are composited over the background ('black' by default: zeros are
 * what the model sees around a cut-out face anyway, and white halos would add bright edges).
 * EXIF orientation is applied (`imageOrientation` defaults to 'from-image'), colour profiles are
 * converted to sRGB (colorSpaceConversion 'default'); greyscale, CMYK, 16-bit and paletted images
 * all come out as 8-bit RGB because the canvas is 8-bit sRGB.
 */
import type { AlphaBackground, DecodeOptions } from '../../src/protocol/data.ts';
import { cropRect, rgbaToRgb, rgbToRgba } from '../../src/core/pixels.ts';
import { DEFAULT_DECODE_OPTIONS } from '../../src/ml/data/images.ts';

const BACKGROUND_STYLE: Readonly<Record<AlphaBackground, string>> = Object.freeze({ black: '#000', white: '#fff' });

/** One reusable canvas per side: draw + getImageData run without an await between them, so sharing is safe. */
const canvases = new Map<number, OffscreenCanvasRenderingContext2D>();

function contextFor(size: number): OffscreenCanvasRenderingContext2D {
  let context = canvases.get(size);
  if (!context) {
    const made = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true });
    if (!made) throw new Error('OffscreenCanvas 2d context is not available in this worker');
    canvases.set(size, (context = made));
  }
  return context;
}

/**
 * Decode a file to `imageSize`² RGB uint8 (row-major, HWC). Rejects when the browser cannot
 * decode it (the caller reports that file as corrupt).
 */
export async function decodeToRgb(file: Blob, options: DecodeOptions = DEFAULT_DECODE_OPTIONS): Promise<Uint8Array> {
  // "Align faces" replaces the crop with a face warp (align.ts, loaded only when used; it rejects with NoFaceError).
  const { align } = options;
  if (align) return (await import('./align.ts')).decodeAligned(file, { ...options, align });
  const size = options.imageSize;
  const full = await createImageBitmap(file);
  let resized: ImageBitmap;
  try {
    const { sx, sy, sw, sh } = cropRect(full.width, full.height, options.centreCrop);
    resized = await createImageBitmap(full, sx, sy, sw, sh, { resizeWidth: size, resizeHeight: size, resizeQuality: 'high' });
  } finally {
    full.close();
  }
  try {
    const context = contextFor(size);
    context.globalCompositeOperation = 'copy';
    context.fillStyle = BACKGROUND_STYLE[options.background];
    context.fillRect(0, 0, size, size);
    context.globalCompositeOperation = 'source-over';
    context.drawImage(resized, 0, 0);
    return rgbaToRgb(context.getImageData(0, 0, size, size).data);
  } finally {
    resized.close();
  }
}

/** Decoded RGB pixels as a small JPEG for the gallery (what the model sees, at its resolution). */
export async function rgbToJpeg(rgb: Uint8Array, size: number, quality = 0.8): Promise<Blob> {
  const canvas = new OffscreenCanvas(size, size);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('OffscreenCanvas 2d context is not available in this worker');
  context.putImageData(new ImageData(rgbToRgba(rgb), size, size), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}
