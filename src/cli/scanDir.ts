/**
 * Node side of dataset ingestion: walk a folder, sniff every candidate file's magic bytes and
 * decode every supported one with sharp, then apply the same pure rules as the browser
 * (src/core/dataset/inventory.ts).
 *
 * Decoding: `sharp(buf, { failOn: 'error' }).raw().toBuffer()` decodes every pixel. Measured on
 * sharp 0.35.5: `failOn: 'error'` rejects a JPEG or PNG cut anywhere, even one cut only by its
 * last 2 bytes (the EOI marker), and PNGs with damaged IDAT data, while warnings such as trailing
 * garbage after a JPEG's end still decode — as they do in Chromium; `failOn: 'none'` was too
 * lenient (half a JPEG decoded "fine", grey bottom half). `.stats()` would avoid holding the
 * pixels but is racy: with 4 decodes in flight it let a truncated JPEG through in 1–6 of 40 runs,
 * where `.raw().toBuffer()` caught it in 580 of 580. The pixel limit is lifted because very large
 * photos are images, not errors (a 12-MP photo holds 36 MB while it is checked).
 *
 * BMP: the prebuilt libvips in sharp has no BMP loader, so in Node a BMP is verified by its header
 * and, when uncompressed, by its pixel data fitting in the file (checkBmpStructure); the browser
 * really decodes it.
 *
 * Links: symbolic links are followed (a dataset may be a farm of links), but each real directory
 * is walked once, so link loops end; a dangling link or a non-regular file (FIFO, socket, device)
 * is listed as unreadable and never opened.
 */
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildInventory, skipBeforeReading, type DecodeResult, type Inventory, type ScannedFile } from '../core/dataset/inventory.ts';
import { checkBmpStructure, sniffFormat, SNIFF_BYTES, type SupportedFormat } from '../core/dataset/sniff.ts';
import { mapLimited } from './mapLimited.ts';

/** Settings of a folder scan. */
export interface ScanDirOptions {
  /** Decode supported files to catch corrupt and truncated ones (default true). */
  readonly decode?: boolean;
  /** Files read and decoded at once (default 4: sharp decodes on libuv's thread pool of 4). */
  readonly concurrency?: number;
}

/** A scanned folder: the per-file observations and the inventory built from them. */
export interface ScanDirResult {
  readonly files: readonly ScannedFile[];
  readonly inventory: Inventory;
}

/** A file found by the walk, before its content is looked at. */
interface Listed {
  readonly path: string;
  readonly absolute: string;
  readonly size: number;
  readonly readError?: string;
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err)
    .split('\n')[0]
    .trim();
}

/** A Node system error's code (ENOENT, EACCES…), which unlike its message holds no absolute path. */
function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? firstLine(err);
}

/** Every file under `dir` (paths relative to it, '/'-separated), following links but not loops. */
async function walk(dir: string): Promise<Listed[]> {
  const found: Listed[] = [];
  const visited = new Set<string>();
  async function visit(absolute: string, relative: string): Promise<void> {
    const real = await realpath(absolute);
    if (visited.has(real)) return;
    visited.add(real);
    // Sorted so that, when a link and its target are both inside DIR, the same one is walked every time.
    const entries = (await readdir(absolute, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childAbsolute = join(absolute, entry.name);
      const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      let info;
      try {
        info = await stat(childAbsolute); // follows links; loops end at the `visited` check
      } catch (err) {
        const what = entry.isSymbolicLink() ? 'dangling symbolic link' : 'cannot stat';
        found.push({ path: childRelative, absolute: childAbsolute, size: 0, readError: `${what} (${errorCode(err)})` });
        continue;
      }
      if (info.isDirectory()) {
        try {
          await visit(childAbsolute, childRelative);
        } catch (err) {
          found.push({ path: `${childRelative}/`, absolute: childAbsolute, size: 0, readError: `folder not readable (${errorCode(err)})` });
        }
      } else if (info.isFile()) {
        found.push({ path: childRelative, absolute: childAbsolute, size: info.size });
      } else {
        found.push({ path: childRelative, absolute: childAbsolute, size: 0, readError: 'not a regular file' });
      }
    }
  }
  await visit(dir, '');
  return found;
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Decode a file of a supported format far enough to know every pixel is there (see the module
 * comment for the sharp settings and the BMP exception).
 */
export async function decodeCheck(bytes: Uint8Array, format: SupportedFormat): Promise<DecodeResult> {
  if (format === 'bmp') {
    const problem = checkBmpStructure(bytes, bytes.length);
    return problem === null ? { ok: true } : { ok: false, error: problem };
  }
  try {
    await sharp(bytes, { failOn: 'error', limitInputPixels: false }).raw().toBuffer();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: firstLine(err) };
  }
}

/** Look at one listed file: sniff its head, then decode it if the format is supported. */
async function inspect(file: Listed, decode: boolean): Promise<ScannedFile> {
  const base = { path: file.path, size: file.size };
  if (file.readError !== undefined) return { ...base, readError: file.readError };
  if (skipBeforeReading(file.path, file.size) !== null) return base;
  try {
    const sniff = sniffFormat(await readHead(file.absolute));
    if (sniff.kind !== 'supported' || !decode) return { ...base, sniff };
    const bytes = await readFile(file.absolute);
    return { ...base, sniff, decode: await decodeCheck(bytes, sniff.format) };
  } catch (err) {
    return { ...base, readError: errorCode(err) };
  }
}

/**
 * Scan a dataset folder (one sub-folder per identity) with the lab's ingestion rules.
 * @throws when `dir` itself is missing or not a readable folder
 */
export async function scanDir(dir: string, options: ScanDirOptions = {}): Promise<ScanDirResult> {
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`not a folder: ${dir}`);
  const listed = await walk(dir);
  const files = await mapLimited(listed, options.concurrency ?? 4, (file) => inspect(file, options.decode ?? true));
  return { files, inventory: buildInventory(files) };
}
