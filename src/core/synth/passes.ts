/**
 * Whole-image passes of the synthetic-face renderer: background gradient, scene lighting,
 * Gaussian blur, sensor noise and the final rounding to bytes. Float64 throughout; the blur
 * kernel's Math.exp is V8's fdlibm port, the same in Node and Chromium.
 */
import type { Canvas } from './raster.ts';

/** Fill the whole canvas with a linear gradient from colour `from` to `to` along direction `angle`. */
export function fillGradient(canvas: Canvas, from: readonly number[], to: readonly number[], angle: number): void {
  const { data, width, height } = canvas;
  const ux = Math.cos(angle) / width;
  const uy = Math.sin(angle) / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // t runs over about [0, 1] across the image along the direction.
      let t = 0.5 + (x + 0.5 - width / 2) * ux + (y + 0.5 - height / 2) * uy;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const o = (y * width + x) * 3;
      data[o] = from[0] + (to[0] - from[0]) * t;
      data[o + 1] = from[1] + (to[1] - from[1]) * t;
      data[o + 2] = from[2] + (to[2] - from[2]) * t;
    }
  }
}

/**
 * Scene lighting: multiply every pixel by 1 + intensity · (direction · position), with position
 * measured from the centre in half-image units, so the lit side brightens and the other darkens;
 * `exposure` scales the whole image.
 */
export function applyLighting(canvas: Canvas, angle: number, intensity: number, exposure = 1): void {
  const { data, width, height } = canvas;
  const gx = (2 * Math.cos(angle) * intensity * exposure) / width;
  const gy = (2 * Math.sin(angle) * intensity * exposure) / height;
  for (let y = 0; y < height; y++) {
    const rowGain = exposure + (y + 0.5 - height / 2) * gy;
    for (let x = 0; x < width; x++) {
      const gain = rowGain + (x + 0.5 - width / 2) * gx;
      const o = (y * width + x) * 3;
      data[o] *= gain;
      data[o + 1] *= gain;
      data[o + 2] *= gain;
    }
  }
}

/** Separable Gaussian blur with standard deviation `sigma` pixels (edges clamp); no-op below 0.3 px. */
export function gaussianBlur(canvas: Canvas, sigma: number, scratch?: Float64Array): void {
  if (sigma < 0.3) return;
  const { data, width, height } = canvas;
  // 2.5 σ holds 98.8% of the kernel's mass; the cut tail is renormalised away.
  const radius = Math.max(1, Math.ceil(2.5 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    kernel[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
    sum += kernel[i + radius];
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const tmp = scratch && scratch.length >= data.length ? scratch : new Float64Array(data.length);
  blurPass(data, tmp, width, height, kernel, radius, 3, width * 3, width);
  blurPass(tmp, data, width, height, kernel, radius, width * 3, 3, height);
}

/** One 1-D convolution pass: along a line with stride `step`, lines `lineStride` apart. */
function blurPass(
  src: Float64Array,
  dst: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  radius: number,
  step: number,
  lineStride: number,
  length: number,
): void {
  const lines = step === 3 ? height : width;
  for (let line = 0; line < lines; line++) {
    const base = line * lineStride;
    for (let i = 0; i < length; i++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let k = -radius; k <= radius; k++) {
        const j = i + k < 0 ? 0 : i + k >= length ? length - 1 : i + k;
        const w = kernel[k + radius];
        const o = base + j * step;
        r += src[o] * w;
        g += src[o + 1] * w;
        b += src[o + 2] * w;
      }
      const o = base + i * step;
      dst[o] = r;
      dst[o + 1] = g;
      dst[o + 2] = b;
    }
  }
}

/**
 * Sensor noise with standard deviation `std` grey levels: per pixel, one 32-bit draw from
 * `uint32` (a seeded generator's nextUint32) gives a grey (luminance) part and a colour part,
 * each the sum of two random bytes (a triangular variate: cheap and close enough to Gaussian).
 * One draw per pixel rather than six keeps noise from dominating the render time.
 */
export function addNoise(canvas: Canvas, std: number, uint32: () => number): void {
  if (std <= 0) return;
  // Two bytes summed, minus 255: mean 0, variance 2·(256² − 1)/12 ≈ 104.5². Grey carries 90% of
  // the variance and colour (red against blue) the rest, so the total per channel is std².
  const grey = (std * Math.sqrt(0.9)) / 104.5;
  const tint = (std * Math.sqrt(0.1)) / 104.5;
  const { data } = canvas;
  for (let o = 0; o < data.length; o += 3) {
    const x = uint32();
    const l = ((x & 0xff) + ((x >>> 8) & 0xff) - 255) * grey;
    const c = (((x >>> 16) & 0xff) + (x >>> 24) - 255) * tint;
    data[o] += l + c;
    data[o + 1] += l;
    data[o + 2] += l - c;
  }
}

/** Round and clamp the canvas into RGB bytes (allocates `out` when absent or of the wrong size). */
export function toBytes(canvas: Canvas, out?: Uint8Array): Uint8Array {
  const { data } = canvas;
  const bytes = out && out.length === data.length ? out : new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // Round half up: (v + 0.5) | 0 is Math.round for v in (0, 255), without the call.
    bytes[i] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
  }
  return bytes;
}
