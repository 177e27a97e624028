/**
 * Where a file sits in a picked dataset folder, and what that makes it.
 *
 * Layout rule: a dataset is a folder with one sub-folder per identity, and **the identity is the
 * folder that directly holds the image**. Deeper nesting is allowed: `a/b/1.jpg` belongs to
 * identity `b`, and `a/1.jpg` to identity `a` (a different identity from `a/b`). Identities are
 * therefore keyed by their folder path relative to the picked root (`key`, unique) and shown by
 * their leaf folder name (`name`); two folders `x/Kim` and `y/Kim` are two identities that both
 * display as "Kim". For the usual flat layout key and name are equal.
 *
 * Names are kept verbatim (spaces, accents, CJK, emoji) except for Unicode normalisation to NFC:
 * macOS file systems hand out NFD names, so without it "José" from a Mac and "José" typed
 * elsewhere would be two identities.
 *
 * Paths arrive relative, separated by '/'. The browser's `webkitRelativePath` starts with the
 * picked folder's own name: pass it as `root` so `picked/alice/1.jpg` is identity `alice`.
 */

/** Options shared by every path rule. */
export interface PathOptions {
  /**
   * Leading folder path ('/'-separated, e.g. the picked folder's name) stripped from every path
   * before the rules apply. A path that does not start with it is outside any identity folder.
   */
  readonly root?: string;
}

/** What a file's path alone says about it. */
export type PathClass =
  | { readonly kind: 'hidden' }
  | { readonly kind: 'outside' }
  | { readonly kind: 'identity'; readonly identityKey: string; readonly identityName: string; readonly fileName: string };

/**
 * System files and folders that operating systems and tools scatter into folders, compared
 * lower-case: Windows Explorer thumbnail caches and folder settings, the recycle bin and volume
 * information folders, the `__MACOSX` folder of zips made on a Mac, and macOS's `Icon\r` custom
 * folder icon. Dot-files (`.DS_Store`, `._*` AppleDouble files) and dot-folders are hidden too.
 */
const SYSTEM_NAMES: ReadonlySet<string> = new Set([
  'thumbs.db',
  'ehthumbs.db',
  'ehthumbs_vista.db',
  'desktop.ini',
  '$recycle.bin',
  'system volume information',
  '__macosx',
  'icon\r',
]);

/** True for a file or folder name that is hidden or belongs to the operating system, not the user. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase());
}

/** A relative path as NFC segments: '/'-separated, with empty and '.' segments dropped. */
export function splitPath(path: string): string[] {
  return path
    .normalize('NFC')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/** Strip `root` (segment-wise, NFC) from a path's segments; undefined when the path is not under it. */
function stripRoot(segments: string[], root: string | undefined): string[] | undefined {
  const rootSegments = root === undefined ? [] : splitPath(root);
  if (rootSegments.some((s, i) => segments[i] !== s)) return undefined;
  return segments.slice(rootSegments.length);
}

/**
 * Classify a file by its relative path: hidden/system (any segment below the root is hidden),
 * outside any identity folder (directly in the root, or not under `root`), or an identity's file.
 */
export function classifyPath(path: string, options: PathOptions = {}): PathClass {
  const segments = stripRoot(splitPath(path), options.root);
  if (segments === undefined) return { kind: 'outside' };
  if (segments.some(isHiddenName)) return { kind: 'hidden' };
  if (segments.length < 2) return { kind: 'outside' };
  const folders = segments.slice(0, -1);
  return {
    kind: 'identity',
    identityKey: folders.join('/'),
    identityName: folders[folders.length - 1],
    fileName: segments[segments.length - 1],
  };
}

/**
 * Compare strings by Unicode code point. `Array.prototype.sort`'s default compares UTF-16 code
 * units, which puts emoji (surrogate pairs, U+D800…) before U+E000–U+FFFF characters; this order
 * is stable across platforms and locales, which matters because it numbers files in pairs.txt.
 */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * The first path segment shared by every path, i.e. the picked folder's name in a browser
 * `webkitRelativePath` listing; undefined when the paths do not share one, or when some path
 * has no folder at all (then there is no picked-root prefix to strip).
 */
export function pickedRootOf(paths: readonly string[]): string | undefined {
  let root: string | undefined;
  for (const path of paths) {
    const segments = splitPath(path);
    if (segments.length < 2) return undefined;
    if (root === undefined) root = segments[0];
    else if (root !== segments[0]) return undefined;
  }
  return root;
}
