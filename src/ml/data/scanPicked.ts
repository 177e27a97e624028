/**
 * The picked-files counterpart of src/cli/scanDir.ts: look at every picked file with the shared
 * ingestion rules (src/core/dataset) — path and size first, then magic bytes, then a real decode
 * with the given decoder (the browser's in the lab worker) — and hand each decoded image to the
 * caller so it is decoded once.
 */
import { skipBeforeReading, type ScannedFile } from '../../core/dataset/inventory.ts';
import type { PathOptions } from '../../core/dataset/paths.ts';
import type { DecodeOptions, PickedFile } from '../../protocol/data.ts';
import { AlignUnavailableError, NoFaceError } from '../align/alignCache.ts';
import { sniffBlob, type DecodePixels } from './images.ts';

/** Settings of a scan of picked files. */
export interface ScanPickedOptions {
  readonly paths: PathOptions;
  readonly decode: DecodeOptions;
  /** Decodes one file with `decode`. */
  readonly decodePixels: DecodePixels;
  /**
   * Files decoded at once (default 4): createImageBitmap decodes off the worker's thread, so a
   * few in flight keep the decoder busy while this thread sniffs and copies pixels.
   */
  readonly concurrency?: number;
  /** Receives the pixels of every file that decoded. */
  readonly onDecoded?: (path: string, pixels: Uint8Array) => void;
  /** Called after every file with (done, total). */
  readonly onFile?: (done: number, total: number) => void;
  /** Stops the scan between files: scanPicked then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err)
    .split('\n')[0]
    .trim();
}

/** Look at one picked file: skip by path/size, sniff, then decode a supported format. */
async function inspect(picked: PickedFile, options: ScanPickedOptions): Promise<ScannedFile> {
  const base = { path: picked.relativePath, size: picked.file.size };
  if (skipBeforeReading(base.path, base.size, options.paths) !== null) return base;
  let sniff;
  try {
    sniff = await sniffBlob(picked.file);
  } catch (err) {
    // The file vanished or changed since it was picked (NotFoundError / NotReadableError).
    return { ...base, readError: firstLine(err) };
  }
  if (sniff.kind !== 'supported') return { ...base, sniff };
  try {
    const pixels = await options.decodePixels(picked.file, options.decode);
    options.onDecoded?.(base.path, pixels);
    return { ...base, sniff, decode: { ok: true }, ...(options.decode.align ? { face: { found: true } } : {}) };
  } catch (err) {
    // Alignment on and no face at the threshold: an image, left out with its own reason.
    if (err instanceof NoFaceError) return { ...base, sniff, decode: { ok: true }, face: { found: false, detail: err.detail } };
    if (err instanceof AlignUnavailableError) throw err;
    // Chromium says only "The source image could not be decoded.", which adds nothing to the
    // reason's own message ('corrupt or truncated beyond decoding'): leave the detail empty.
    return { ...base, sniff, decode: { ok: false, error: '' } };
  }
}

/** Scan picked files with at most `concurrency` in flight; results keep the input order. */
export async function scanPicked(files: readonly PickedFile[], options: ScanPickedOptions): Promise<ScannedFile[]> {
  const results = new Array<ScannedFile>(files.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < files.length && !options.signal?.aborted) {
      const i = next++;
      results[i] = await inspect(files[i], options);
      options.onFile?.(++done, files.length);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 4, files.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  options.signal?.throwIfAborted();
  return results;
}

/** Minimum time between two progress reports, in ms (the spec's "every 100 ms"). */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Rate-limits progress: `report(done, total)` forwards at most one call per interval plus the
 * final one (done === total), with an ETA from the average rate so far.
 */
export function throttledProgress(
  send: (done: number, total: number, etaSeconds: number | undefined) => void,
  now: () => number = () => performance.now(),
  intervalMs = PROGRESS_INTERVAL_MS,
): (done: number, total: number) => void {
  const start = now();
  let last = -Infinity;
  return (done, total) => {
    const t = now();
    if (done < total && t - last < intervalMs) return;
    last = t;
    const elapsed = (t - start) / 1000;
    const eta = done > 0 && elapsed > 0 ? ((total - done) * elapsed) / done : undefined;
    send(done, total, eta);
  };
}
