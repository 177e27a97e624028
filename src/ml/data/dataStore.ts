/**
 * The loaded data: one training and one test folder, their identities and pairs, and the
 * decoded-pixel cache both share. The lab worker keeps one (workers/data/workerDataStore.ts) over the
 * browser's decoder: its data API answers the UI from it, and its training loop takes batches from it
 * (`trainingSource`), validation images (`validationSet`) and evaluation pairs (`testSet`), in the
 * engine's shapes (src/ml/train/data.ts). The decoder is passed in, so Node tests run it with their own.
 */
import { buildInventory, flattenImages, type Identity } from '../../core/dataset/inventory.ts';
import { pickedRootOf, splitPath } from '../../core/dataset/paths.ts';
import { PixelCache } from '../../core/dataset/pixelCache.ts';
import { sampleDataset } from '../../core/dataset/sampling.ts';
import { sampleAvailablePairs, type Pair } from '../../core/pairs.ts';
import { formatPairsTxt, readPairsTxt, type PairRef } from '../../core/pairsTxt.ts';
import { bytesPerImage } from '../../core/pixels.ts';
import type { CacheReport, DecodeOptions, FolderOptions, FolderReport, FolderRole, LoadProgressCallback, PairsReport, PickedFile } from '../../protocol/data.ts';
import type { ImageSet, TestSet } from '../train/data.ts';
import { FolderBatchSource, folderImageSet } from './folderSource.ts';
import type { DecodePixels } from './images.ts';
import { scanPicked, throttledProgress } from './scanPicked.ts';

/** Test pairs sampled when the test folder has no pairs.txt and the options name no count (LFW's view 2 has 6,000; a folder that gives fewer balanced pairs is used whole). */
export const DEFAULT_TEST_PAIRS = 600;

/** A folder as loaded for one role. */
export interface LoadedFolder {
  readonly role: FolderRole;
  readonly decode: DecodeOptions;
  /** Every picked file by its relative path. */
  readonly files: ReadonlyMap<string, File>;
  /** Training: the sampled identities with their training images; test: every identity. Label = index. */
  readonly identities: readonly Identity[];
  /** Training: held-out images of the sampled identities (same order of identities as `identities`, by key). */
  readonly validation: readonly Identity[];
  /** Test: the pairs in use (names are identity keys, numbers 1-based within the identity). */
  readonly pairs: readonly PairRef[];
  readonly report: FolderReport;
}

const keyOf = (role: FolderRole, path: string): string => `${role}:${path}`;
const prefixOf = (role: FolderRole): string => `${role}:`;

/** True for the relative path of a pairs.txt lying directly in the picked folder. */
function isRootPairsTxt(path: string, root: string | undefined): boolean {
  const segments = splitPath(path);
  const below = root === undefined ? segments : segments[0] === root ? segments.slice(1) : [];
  return below.length === 1 && below[0].toLowerCase() === 'pairs.txt';
}

/** A file's text in chunks, decoded as UTF-8 as it streams. */
async function* textChunks(file: Blob): AsyncGenerator<string> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops reading when the parser gave up early (a bad line): the rest of the file is never read.
    await reader.cancel().catch(() => undefined);
  }
}

/** pairs.txt pairs resolved against a folder's identities (by key, NFC), or why they cannot be. */
function checkPairs(pairs: readonly PairRef[], identities: readonly Identity[]): string | undefined {
  const byKey = new Map(identities.map((id) => [id.key, id]));
  for (const [i, pair] of pairs.entries()) {
    for (const ref of [pair.a, pair.b]) {
      const identity = byKey.get(ref.identity.normalize('NFC'));
      if (!identity) return `pairs.txt pair ${i + 1}: no identity folder '${ref.identity}' with usable images`;
      if (ref.index > identity.files.length) {
        return `pairs.txt pair ${i + 1}: '${ref.identity}' has ${identity.files.length} usable images, not ${ref.index}`;
      }
    }
  }
  return undefined;
}

function pairsReport(source: PairsReport['source'], pairs: readonly PairRef[]): PairsReport {
  const positives = pairs.filter((p) => p.same).length;
  return { source, count: pairs.length, positives, negatives: pairs.length - positives };
}

/** Loaded folders plus the shared pixel cache. */
export class DataStore {
  readonly cache = new PixelCache();
  private readonly folders = new Map<FolderRole, LoadedFolder>();

  /** @param decode decodes a picked file (also used by callers that need a loaded file at another size) */
  constructor(readonly decode: DecodePixels) {}

  /** The folder loaded for `role`, if any. */
  folder(role: FolderRole): LoadedFolder | undefined {
    return this.folders.get(role);
  }

  /** Memory use of the cache, and how many images the loaded folders use. */
  cacheReport(): CacheReport {
    let inUse = 0;
    for (const folder of this.folders.values()) inUse += folder.report.cache.imagesInUse;
    const anyFolder = this.folders.values().next().value;
    return {
      bytesUsed: this.cache.bytesUsed,
      budgetBytes: this.cache.budgetBytes,
      imagesCached: this.cache.size,
      imagesInUse: inUse,
      bytesPerImage: bytesPerImage(anyFolder?.decode.imageSize ?? 112),
    };
  }

  /**
   * Pixels of one file of a loaded folder: from the cache, else decoded now (and kept when
   * `keep` and the budget has room, so the first epoch fills the cache).
   */
  async pixels(role: FolderRole, path: string, keep = true): Promise<Uint8Array> {
    const key = keyOf(role, path);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const folder = this.folders.get(role);
    const file = folder?.files.get(path);
    if (!folder || !file) throw new Error(`no ${role} image '${path}' is loaded`);
    const pixels = await this.decode(file, folder.decode);
    // Only while the folder is still the one decoded for: after a reload or a change of image size
    // (useImageSize) pixels of the old size must not land in the cache under the same key.
    if (keep && this.folders.get(role) === folder) this.cache.tryPut(key, pixels);
    return pixels;
  }

  /**
   * Decode the loaded folders at `imageSize` from now on (a run's model.inputSize may differ from
   * the size the folder was read at): their cached pixels are dropped and refilled in the
   * background from the files. Returns the roles that changed size. Nothing changes when the
   * size already matches.
   */
  useImageSize(imageSize: number): FolderRole[] {
    if (!Number.isInteger(imageSize) || imageSize < 1) throw new RangeError(`image size must be a positive integer, got ${imageSize}`);
    const changed: FolderRole[] = [];
    for (const [role, folder] of [...this.folders]) {
      if (folder.decode.imageSize === imageSize) continue;
      const resized: LoadedFolder = { ...folder, decode: { ...folder.decode, imageSize } };
      this.folders.set(role, resized);
      this.cache.retainOnly(prefixOf(role), new Set());
      changed.push(role);
    }
    for (const role of changed) {
      const folder = this.folders.get(role)!;
      const paths = role === 'train' ? [...folder.identities, ...folder.validation].flatMap((id) => id.files) : this.pairPaths(folder);
      void this.fillCache(
        folder,
        paths.map((path) => keyOf(role, path)),
      );
    }
    return changed;
  }

  /** Paths of the test images the pairs use, each once. */
  private pairPaths(folder: LoadedFolder): string[] {
    const byKey = new Map(folder.identities.map((id) => [id.key, id]));
    const paths = new Set<string>();
    for (const pair of folder.pairs) for (const ref of [pair.a, pair.b]) paths.add(byKey.get(ref.identity.normalize('NFC'))!.files[ref.index - 1]);
    return [...paths];
  }

  /** Read a picked folder for `role` (see DataApi.loadFolder). */
  async load(files: readonly PickedFile[], options: FolderOptions, onProgress: LoadProgressCallback): Promise<FolderReport> {
    const started = performance.now();
    const { role } = options;
    this.folders.delete(role);
    this.cache.retainOnly(prefixOf(role), new Set());
    if (options.memoryBudgetBytes !== undefined) this.cache.setBudget(options.memoryBudgetBytes);
    const decode: DecodeOptions = {
      imageSize: options.imageSize,
      centreCrop: options.centreCrop,
      background: options.background,
      ...(options.align ? { align: options.align } : {}),
    };

    const root = pickedRootOf(files.map((f) => f.relativePath));
    const pairsFile = role === 'test' ? files.find((f) => isRootPairsTxt(f.relativePath, root)) : undefined;
    const images = files.filter((f) => f !== pairsFile);
    // The page cancels by answering a progress report with false; the answer is not awaited (a round trip per
    // report would slow the load), so the scan stops at most one report interval and one file later.
    const cancel = new AbortController();
    let looked = 0;
    const throttled = throttledProgress((done, total, etaSeconds) => {
      Promise.resolve(onProgress({ role, done, total, etaSeconds })).then(
        (goOn) => goOn === false && cancel.abort(),
        () => undefined, // a page that went away cannot cancel: the load finishes for nobody
      );
    });
    const report = (done: number, total: number) => {
      looked = done;
      throttled(done, total);
    };
    report(0, images.length);
    let scanned;
    try {
      scanned = await scanPicked(images, {
        paths: { root },
        decode,
        decodePixels: this.decode,
        onDecoded: (path, pixels) => this.cache.tryPut(keyOf(role, path), pixels),
        onFile: report,
        signal: cancel.signal,
      });
    } catch (err) {
      this.cache.retainOnly(prefixOf(role), new Set());
      if (!cancel.signal.aborted) throw err;
      throw new Error(`loading cancelled after ${looked.toLocaleString('en-US')} of ${images.length.toLocaleString('en-US')} files`, { cause: err });
    }
    const inventory = buildInventory(scanned, { root });

    let identities: readonly Identity[] = inventory.identities;
    let validation: readonly Identity[] = [];
    let pairs: PairRef[] = [];
    let sample: FolderReport['sample'];
    let pairsInfo: PairsReport | undefined;
    let pairsError: string | undefined;
    if (role === 'train') {
      const drawn = sampleDataset(inventory.identities, {
        seed: options.seed,
        identities: options.identities,
        minImages: options.minImages,
        maxImages: options.maxImages,
        validationFraction: options.validationFraction,
      });
      identities = drawn.train;
      validation = drawn.validation;
      sample = {
        identityNames: drawn.train.map((id) => id.name),
        trainImages: drawn.train.reduce((n, id) => n + id.files.length, 0),
        validationImages: drawn.validation.reduce((n, id) => n + id.files.length, 0),
        eligible: drawn.eligible,
      };
    } else {
      try {
        if (pairsFile) {
          // Streamed: a large pairs.txt is read line by line, never held as one string.
          pairs = await readPairsTxt(textChunks(pairsFile.file));
          const problem = checkPairs(pairs, identities);
          if (problem) throw new Error(problem);
          pairsInfo = pairsReport('pairs.txt', pairs);
        } else {
          const { identityPerItem, items } = flattenImages(identities);
          // A folder too small for the count asked for is used whole (the report says how many), not refused.
          const requested = options.testPairs ?? DEFAULT_TEST_PAIRS;
          pairs = sampleAvailablePairs(identityPerItem, requested, options.seed).map((pair) => {
            const a = items[pair.a];
            const b = items[pair.b];
            return { a: { identity: identities[a.identity].key, index: a.index }, b: { identity: identities[b.identity].key, index: b.index }, same: pair.same };
          });
          pairsInfo = { ...pairsReport('sampled', pairs), requested };
        }
      } catch (err) {
        pairs = [];
        pairsError = err instanceof Error ? err.message : String(err);
      }
    }

    const inUse = new Set<string>();
    if (role === 'train') {
      for (const id of [...identities, ...validation]) for (const path of id.files) inUse.add(keyOf(role, path));
    } else {
      const byKey = new Map(identities.map((id) => [id.key, id]));
      for (const pair of pairs) {
        for (const ref of [pair.a, pair.b]) inUse.add(keyOf(role, byKey.get(ref.identity.normalize('NFC'))!.files[ref.index - 1]));
      }
    }
    this.cache.retainOnly(prefixOf(role), inUse);

    const folderReport: FolderReport = {
      role,
      root,
      files: files.length,
      identities: inventory.identities.length,
      images: inventory.images,
      skipped: inventory.skipped,
      singletons: inventory.singletons,
      unusableFolders: inventory.unusableFolders,
      sample,
      pairs: pairsInfo,
      pairsError,
      cache: { ...this.cacheReport(), imagesInUse: inUse.size },
      seconds: (performance.now() - started) / 1000,
      ...(decode.align ? { align: { ...decode.align, aligned: inventory.images, noFace: inventory.skipped.filter((s) => s.reason.code === 'no-face').length } } : {}),
    };
    const folder: LoadedFolder = {
      role,
      decode,
      files: new Map(files.map((f) => [f.relativePath, f.file])),
      identities,
      validation,
      pairs,
      report: folderReport,
    };
    this.folders.set(role, folder);
    void this.fillCache(
      folder,
      [...inUse].filter((key) => !this.cache.has(key)),
    );
    return { ...folderReport, cache: this.cacheReport() };
  }

  /**
   * In the background, decode in-use images that the load did not keep (the budget was taken by
   * images sampling then dropped) until the budget is full, so training waits for the decoder less.
   * Stops when the folder is replaced; a failure only leaves the image to be decoded on demand.
   */
  private async fillCache(folder: LoadedFolder, keys: readonly string[]): Promise<void> {
    const perImage = bytesPerImage(folder.decode.imageSize);
    const prefix = prefixOf(folder.role);
    for (const key of keys) {
      if (this.folders.get(folder.role) !== folder || this.cache.bytesUsed + perImage > this.cache.budgetBytes) return;
      try {
        await this.pixels(folder.role, key.slice(prefix.length));
      } catch {
        // Decoded fine during the load; if the file changed since, training will report it.
      }
    }
  }

  /** The loaded test pairs as pairs.txt text; throws when no test folder with pairs is loaded. */
  exportPairsTxt(): string {
    const folder = this.folders.get('test');
    if (!folder || folder.pairs.length === 0) throw new Error('no test pairs: load a test folder first');
    return formatPairsTxt(folder.pairs);
  }

  /** Pixels by index into `paths` of a role, for the engine's sources. */
  private pixelsByIndex(role: FolderRole, paths: readonly string[]): (index: number) => Promise<Uint8Array> {
    return (index) => this.pixels(role, paths[index]);
  }

  /** Batches of the loaded training folder (labels = index in the sampled identity list). */
  trainingSource(): FolderBatchSource {
    const folder = this.folders.get('train');
    if (!folder) throw new Error('no training folder is loaded');
    const paths = folder.identities.flatMap((id) => id.files);
    const labels = Int32Array.from(folder.identities.flatMap((id, label) => id.files.map(() => label)));
    return new FolderBatchSource(labels, folder.identities.length, folder.decode.imageSize, this.pixelsByIndex('train', paths));
  }

  /**
   * The held-out validation images of the training folder as an image set whose identities are
   * the training labels (closed-set: same people, other images); empty when nothing was held out.
   */
  validationSet(): ImageSet {
    const folder = this.folders.get('train');
    if (!folder) throw new Error('no training folder is loaded');
    const labelOf = new Map(folder.identities.map((id, label) => [id.key, label]));
    const paths = folder.validation.flatMap((id) => id.files);
    const identities = Int32Array.from(folder.validation.flatMap((id) => id.files.map(() => labelOf.get(id.key)!)));
    return folderImageSet(identities, folder.decode.imageSize, this.pixelsByIndex('train', paths));
  }

  /** The loaded test folder as the engine's test set: the images the pairs use, and the pairs over them. */
  testSet(): TestSet {
    const folder = this.folders.get('test');
    if (!folder || folder.pairs.length === 0) throw new Error('no test pairs: load a test folder first');
    const byKey = new Map(folder.identities.map((id, index) => [id.key, { id, index }]));
    const indexOf = new Map<string, number>();
    const paths: string[] = [];
    const identities: number[] = [];
    const itemOf = (identity: string, index: number): number => {
      const found = byKey.get(identity.normalize('NFC'))!;
      const path = found.id.files[index - 1];
      let item = indexOf.get(path);
      if (item === undefined) {
        indexOf.set(path, (item = paths.length));
        paths.push(path);
        identities.push(found.index);
      }
      return item;
    };
    const pairs: Pair[] = folder.pairs.map((p) => {
      const a = itemOf(p.a.identity, p.a.index);
      const b = itemOf(p.b.identity, p.b.index);
      return a < b ? { a, b, same: p.same } : { a: b, b: a, same: p.same };
    });
    const images = folderImageSet(Int32Array.from(identities), folder.decode.imageSize, this.pixelsByIndex('test', paths));
    return { images, pairs };
  }
}
