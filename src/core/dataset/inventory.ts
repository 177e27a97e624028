/**
 * The ingestion rules: from a listing of files (path, size, sniffed format, decode result) to the
 * identities and images a dataset really holds, with every other file listed as skipped and why.
 * Pure, so the browser picker and the Node scanner (src/cli/scanDir.ts) apply the same rules.
 *
 * Order of the rules, first match wins: hidden/system file → unreadable (also an unreadable
 * folder, listed as 'folder/') → outside any identity folder → zero bytes → not an image / unsupported format (magic bytes) → corrupt or
 * truncated (decode failed) → no face found (only when alignment is on). Greyscale, CMYK, alpha, 16-bit, tiny and huge images are images.
 */
import { classifyPath, compareCodePoints, type PathOptions } from './paths.ts';
import { FORMAT_LABELS, type SniffResult, type UnsupportedFormat } from './sniff.ts';

/** Why a file is not counted as an image; `message` is the human sentence shown to the user. */
export type SkipReason =
  | { readonly code: 'hidden'; readonly message: string }
  | { readonly code: 'outside-identity'; readonly message: string }
  | { readonly code: 'unreadable'; readonly message: string }
  | { readonly code: 'zero-bytes'; readonly message: string }
  | { readonly code: 'not-image'; readonly message: string }
  | { readonly code: 'unsupported-format'; readonly format: UnsupportedFormat; readonly message: string }
  | { readonly code: 'corrupt'; readonly message: string }
  /** "Align faces" is on and the detector found no face at or above its score threshold (the report's 42,100 → 39,677). */
  | { readonly code: 'no-face'; readonly message: string };

/** The code of a skip reason. */
export type SkipCode = SkipReason['code'];

/** Builders for every skip reason, so messages read the same everywhere. */
export const skipReasons = Object.freeze({
  hidden: (): SkipReason => ({ code: 'hidden', message: 'hidden/system file' }),
  outsideIdentity: (): SkipReason => ({ code: 'outside-identity', message: 'file outside any identity folder' }),
  unreadable: (detail: string): SkipReason => ({ code: 'unreadable', message: `could not be read: ${detail}` }),
  zeroBytes: (): SkipReason => ({ code: 'zero-bytes', message: 'empty file (0 bytes)' }),
  notImage: (): SkipReason => ({ code: 'not-image', message: 'not an image' }),
  unsupported: (format: UnsupportedFormat): SkipReason => ({
    code: 'unsupported-format',
    format,
    message: `unsupported format: ${FORMAT_LABELS[format]}`,
  }),
  corrupt: (detail?: string): SkipReason => ({
    code: 'corrupt',
    message: detail ? `corrupt or truncated beyond decoding: ${detail}` : 'corrupt or truncated beyond decoding',
  }),
  noFace: (detail?: string): SkipReason => ({ code: 'no-face', message: detail ? `no face found (${detail})` : 'no face found' }),
});

/** The outcome of trying to decode a file's pixels. */
export type DecodeResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** One file of a picked folder, as a scanner saw it. */
export interface ScannedFile {
  /** Relative path with '/' separators, verbatim as listed (with the picked root, if the options say so). */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** Why the file could not be read at all (permissions, dangling link), if so. */
  readonly readError?: string;
  /** What the head bytes say; absent when the file was not read (see `skipBeforeReading`). */
  readonly sniff?: SniffResult;
  /**
   * Decode outcome for a supported format. Absent means not attempted: the file then counts on
   * its magic bytes alone (a scanner should decode; the Node scanner checks BMP by header).
   */
  readonly decode?: DecodeResult;
  /** Face detection outcome when alignment is on; absent means not attempted (alignment off). */
  readonly face?: { readonly found: boolean; readonly detail?: string };
}

/** An identity: the files (verbatim paths) of one identity folder that hold usable images. */
export interface Identity {
  /** Unique key: the folder path relative to the picked root, NFC ('a/b' for nested folders). */
  readonly key: string;
  /** Display name: the folder's own name, NFC. */
  readonly name: string;
  /**
   * Paths of the usable images, verbatim, sorted by file name (NFC, code-point order; ties by
   * path). This order defines the 1-based image index used by pairs.txt.
   */
  readonly files: readonly string[];
}

/** A file that is not counted as an image. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
}

/** What a picked folder holds. */
export interface Inventory {
  /** Identities with at least one usable image, sorted by key (code-point order). */
  readonly identities: readonly Identity[];
  /** Number of usable images across all identities. */
  readonly images: number;
  /** Every file not counted, sorted by path (code-point order). */
  readonly skipped: readonly SkippedFile[];
  /** Keys of identities with exactly one image: fine for training, useless for same-identity pairs. */
  readonly singletons: readonly string[];
  /** Keys of identity folders that had files but no usable image (not counted as identities). */
  readonly unusableFolders: readonly string[];
}

/**
 * The skip reason a file gets from its path and size alone, or null if its content must be
 * looked at. Scanners call this first so they never read hidden files or files outside folders.
 */
export function skipBeforeReading(path: string, size: number, options: PathOptions = {}): SkipReason | null {
  const where = classifyPath(path, options);
  if (where.kind === 'hidden') return skipReasons.hidden();
  if (where.kind === 'outside') return skipReasons.outsideIdentity();
  if (size === 0) return skipReasons.zeroBytes();
  return null;
}

/** The skip reason for one scanned file, or null when it counts as an image. */
export function skipReasonOf(file: ScannedFile, options: PathOptions = {}): SkipReason | null {
  const where = classifyPath(file.path, options);
  if (where.kind === 'hidden') return skipReasons.hidden();
  if (file.readError !== undefined) return skipReasons.unreadable(file.readError);
  if (where.kind === 'outside') return skipReasons.outsideIdentity();
  if (file.size === 0) return skipReasons.zeroBytes();
  if (file.sniff === undefined || file.sniff.kind === 'not-image') return skipReasons.notImage();
  if (file.sniff.kind === 'unsupported') return skipReasons.unsupported(file.sniff.format);
  if (file.decode !== undefined && !file.decode.ok) return skipReasons.corrupt(file.decode.error);
  if (file.face !== undefined && !file.face.found) return skipReasons.noFace(file.face.detail);
  return null;
}

interface Gathered {
  name: string;
  files: { path: string; fileName: string }[];
}

function byCodePoint<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareCodePoints(key(a), key(b));
}

/** Apply the ingestion rules to every file of a picked folder. */
export function buildInventory(files: readonly ScannedFile[], options: PathOptions = {}): Inventory {
  const usable = new Map<string, Gathered>();
  const folderKeys = new Set<string>();
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const where = classifyPath(file.path, options);
    if (where.kind === 'identity') folderKeys.add(where.identityKey);
    const reason = skipReasonOf(file, options);
    if (reason !== null || where.kind !== 'identity') {
      skipped.push({ path: file.path, reason: reason ?? skipReasons.outsideIdentity() });
      continue;
    }
    let identity = usable.get(where.identityKey);
    if (!identity) usable.set(where.identityKey, (identity = { name: where.identityName, files: [] }));
    identity.files.push({ path: file.path, fileName: where.fileName });
  }
  const identities: Identity[] = [...usable.entries()].sort(byCodePoint(([key]) => key)).map(([key, { name, files: found }]) => ({
    key,
    name,
    files: found.sort((a, b) => compareCodePoints(a.fileName, b.fileName) || compareCodePoints(a.path, b.path)).map((f) => f.path),
  }));
  return {
    identities,
    images: identities.reduce((n, id) => n + id.files.length, 0),
    skipped: skipped.sort(byCodePoint((s) => s.path)),
    singletons: identities.filter((id) => id.files.length === 1).map((id) => id.key),
    unusableFolders: [...folderKeys].filter((key) => !usable.has(key)).sort(compareCodePoints),
  };
}

/** One image of a dataset, addressed the way pairs.txt addresses it. */
export interface ImageRef {
  /** Index into the identity list. */
  readonly identity: number;
  /** 1-based position of the image in its identity's sorted files. */
  readonly index: number;
}

/**
 * Number every image of a dataset in identity order then file order: `identityPerItem[i]` is the
 * identity of image i (the input of pair sampling) and `items[i]` says where image i lives.
 */
export function flattenImages(identities: readonly Identity[]): { identityPerItem: number[]; items: ImageRef[] } {
  const identityPerItem: number[] = [];
  const items: ImageRef[] = [];
  identities.forEach((identity, i) => {
    identity.files.forEach((_, j) => {
      identityPerItem.push(i);
      items.push({ identity: i, index: j + 1 });
    });
  });
  return { identityPerItem, items };
}
