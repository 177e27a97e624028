/**
 * What the folder pipeline needs to know of image files without decoding them itself: the default decode
 * settings, the format sniffed from a file's first bytes, and the shape of a decoder. Decoding is the
 * platform's (the browser's createImageBitmap in the lab worker, workers/data/decode.ts), so it is passed in
 * wherever it is needed and Node tests can pass their own.
 */
import { sniffFormat, SNIFF_BYTES, type SniffResult } from '../../core/dataset/sniff.ts';
import type { DecodeOptions } from '../../protocol/data.ts';

/** Decode settings used when a caller gives none (the paper's 112×112 centre crop over black). */
export const DEFAULT_DECODE_OPTIONS: DecodeOptions = Object.freeze({ imageSize: 112, centreCrop: true, background: 'black' });

/**
 * Decodes a file to `options.imageSize`² RGB bytes (row-major, HWC); rejects when the file cannot be decoded
 * (with NoFaceError or AlignUnavailableError of src/ml/align/alignCache.ts when aligning).
 */
export type DecodePixels = (file: Blob, options: DecodeOptions) => Promise<Uint8Array>;

/** What the first SNIFF_BYTES of a file say it is. */
export async function sniffBlob(file: Blob): Promise<SniffResult> {
  return sniffFormat(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
}
