/** Pixel buffers and their geometry, pure: RGB ↔ RGBA, the bytes of one image, the centre-crop rectangle. */

/** RGB bytes (row-major, 3 per pixel) → opaque RGBA, as ImageData and canvases want them. */
export function rgbToRgba(rgb: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
    out[o] = rgb[i];
    out[o + 1] = rgb[i + 1];
    out[o + 2] = rgb[i + 2];
    out[o + 3] = 255;
  }
  return out;
}

/** RGBA (canvas order) to RGB, dropping alpha (a canvas has already composited it over the background). */
export function rgbaToRgb(rgba: Uint8ClampedArray | Uint8Array, out = new Uint8Array((rgba.length / 4) * 3)): Uint8Array {
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    out[o] = rgba[i];
    out[o + 1] = rgba[i + 1];
    out[o + 2] = rgba[i + 2];
  }
  return out;
}

/** Bytes of one decoded RGB image of side `imageSize` (112 → 37,632). */
export function bytesPerImage(imageSize: number): number {
  return imageSize * imageSize * 3;
}

/** The source rectangle of the centred square (or the whole frame when not cropping). */
export function cropRect(width: number, height: number, centreCrop: boolean): { sx: number; sy: number; sw: number; sh: number } {
  if (!centreCrop) return { sx: 0, sy: 0, sw: width, sh: height };
  const side = Math.min(width, height);
  return { sx: Math.floor((width - side) / 2), sy: Math.floor((height - side) / 2), sw: side, sh: side };
}
