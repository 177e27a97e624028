/**
 * The data sub-API of the lab worker (`api.data`): local folders go in as File objects, come back
 * as counts, a skipped-files report, thumbnails and pairs.txt text. Pixels never leave the
 * browser; the worker decodes them with the browser's own decoder (workers/data/decode.ts).
 * Types only: both threads import this file.
 */
import type { SkippedFile } from '../core/dataset/inventory.ts';
import type { AlignOptions } from '../core/align/options.ts';
import type { AlphaBackground } from '../core/dataSettings.ts';

export type { AlignOptions, FaceDetectorName } from '../core/align/options.ts';
/** Where the background of transparent images comes from when alpha is dropped. */
export type { AlphaBackground } from '../core/dataSettings.ts';

export type { SkippedFile, SkipReason, SkipCode } from '../core/dataset/inventory.ts';

/**
 * One file of a picked folder. The three ways of picking (folder input, drop, directory picker)
 * all produce these, with `relativePath` starting at the picked folder's own name
 * ('faces/平木大作/1.jpg'), as `webkitRelativePath` does. File objects are structured-cloneable,
 * so a list of these can be posted to the worker without reading the bytes first.
 */
export interface PickedFile {
  readonly file: File;
  /** '/'-separated path relative to the folder that holds the picked folder. */
  readonly relativePath: string;
}

/** What a folder is for: the training set (sampled, cached, batched) or the test set (pairs). */
export type FolderRole = 'train' | 'test';

/** How a loaded folder is turned into pixels. */
export interface DecodeOptions {
  /** Side of the square the model sees, in pixels (the paper's 112). */
  readonly imageSize: number;
  /** Crop the centred square of each image before resizing (true), or squash the whole image (false). */
  readonly centreCrop: boolean;
  /** Colour transparent pixels are composited over before alpha is dropped. */
  readonly background: AlphaBackground;
  /**
   * "Align faces": detect the largest face and warp it onto the ArcFace template (replaces the
   * centre crop); images without a face are skipped as 'no-face'. Off when absent.
   */
  readonly align?: AlignOptions;
}

/** Settings for loading one folder; the sampling fields apply to the training role only. */
export interface FolderOptions extends DecodeOptions {
  readonly role: FolderRole;
  /** Seed of identity sampling, the image cap, the validation split and test-pair sampling. */
  readonly seed: number;
  /** Number of identities to train on (seeded choice); all when absent. */
  readonly identities?: number;
  /** Identities with fewer images are left out (default 1). */
  readonly minImages?: number;
  /** Identities with more images keep a seeded choice of this many. */
  readonly maxImages?: number;
  /** Fraction of the chosen images held out for validation, in [0, 1). */
  readonly validationFraction?: number;
  /**
   * Test role: number of balanced pairs to sample when the folder holds no pairs.txt (all it
   * gives when that is fewer; PairsReport.requested then says what was asked for).
   * A `pairs.txt` directly in the picked test folder takes precedence.
   */
  readonly testPairs?: number;
  /** Bytes of decoded uint8 pixels kept in memory across both folders (default 256 MiB: DEFAULT_MEMORY_BUDGET_BYTES in src/core/dataset/pixelCache.ts). */
  readonly memoryBudgetBytes?: number;
}

/** Progress of reading a folder, sent at a bounded rate (at most every ~100 ms, plus the last one). */
export interface LoadProgress {
  readonly role: FolderRole;
  /** Files looked at so far (sniffed, decoded or skipped by path). */
  readonly done: number;
  readonly total: number;
  /** Seconds left at the rate so far; undefined until the rate is known. */
  readonly etaSeconds?: number;
}

/**
 * Hears a folder load's progress (at most every 100 ms and at the end); returning (or resolving to) `false` cancels
 * the load. Across the worker boundary it must be a comlink proxy (src/ui/worker/remoteCallback.ts); the worker does
 * not wait for it, so a slow page never slows the load.
 */
export type LoadProgressCallback = (progress: LoadProgress) => boolean | void | Promise<boolean | void>;

/** How much decoded pixel data the worker holds, so the user can see what the budget buys. */
export interface CacheReport {
  readonly bytesUsed: number;
  readonly budgetBytes: number;
  readonly imagesCached: number;
  /** Images in use (training, validation and test) — those beyond the cache are decoded from the files each epoch. */
  readonly imagesInUse: number;
  readonly bytesPerImage: number;
}

/** Where the test pairs came from, and how many of each kind there are. */
export interface PairsReport {
  readonly source: 'pairs.txt' | 'sampled';
  readonly count: number;
  readonly positives: number;
  readonly negatives: number;
  /**
   * Sampled pairs: the count asked for (FolderOptions.testPairs). More than `count` when the
   * folder gives fewer balanced pairs: all it gives are used then, and the UI says so.
   */
  readonly requested?: number;
}

/** The answer to loadFolder. */
export interface FolderReport {
  readonly role: FolderRole;
  /** Name of the picked folder (stripped from every path), if the paths shared one. */
  readonly root?: string;
  /** Files in the picked folder, counted or not. */
  readonly files: number;
  /** Identities and images the folder holds (after the ingestion rules, before sampling). */
  readonly identities: number;
  readonly images: number;
  readonly skipped: readonly SkippedFile[];
  /** Keys of identities with a single image. */
  readonly singletons: readonly string[];
  /** Identity folders that held files but no usable image. */
  readonly unusableFolders: readonly string[];
  /** Training role: what was sampled. */
  readonly sample?: {
    /** Display names of the sampled identities, in label order. */
    readonly identityNames: readonly string[];
    readonly trainImages: number;
    readonly validationImages: number;
    /** Identities with at least minImages images, before choosing. */
    readonly eligible: number;
  };
  /** Test role: the pairs in use; `pairsError` says why there are none. */
  readonly pairs?: PairsReport;
  readonly pairsError?: string;
  readonly cache: CacheReport;
  /** Wall-clock seconds the load took. */
  readonly seconds: number;
  /** With "Align faces": the settings used, images aligned and images left out for want of a face. */
  readonly align?: AlignSummary;
}

/** What aligning a folder did. */
export interface AlignSummary extends AlignOptions {
  /** Images where a face was found and aligned. */
  readonly aligned: number;
  /** Images left out because no face was found (also listed in `skipped` with code 'no-face'). */
  readonly noFace: number;
}

/** One image of the alignment preview: the original (downscaled, chosen face marked) next to its crop. */
export interface AlignPreviewItem {
  readonly path: string;
  /** JPEG of the original photo, at most ALIGN_PREVIEW_SIDE px, the chosen box and 5 points drawn on it. */
  readonly original: Blob;
  /** JPEG of the aligned crop at the folder's image size. */
  readonly crop: Blob;
  /** Faces found in the photo (the largest was aligned). */
  readonly faces: number;
  readonly score: number;
}

/** The alignment preview of a loaded folder. */
export interface AlignPreview {
  readonly role: FolderRole;
  readonly items: readonly AlignPreviewItem[];
  /** Paths of images where no face was found (not shown as crops). */
  readonly noFace: readonly string[];
}

/** One identity of a gallery page with a few of its images as small JPEG blobs. */
export interface GalleryIdentity {
  readonly key: string;
  readonly name: string;
  readonly imageCount: number;
  readonly thumbnails: readonly Blob[];
}

/** A page of the gallery. */
export interface GalleryPage {
  readonly role: FolderRole;
  readonly page: number;
  readonly pageCount: number;
  readonly totalIdentities: number;
  readonly identities: readonly GalleryIdentity[];
}

/** Decode throughput measured on real files with the load path's decoder. */
export interface DecodeMeasurement {
  readonly images: number;
  readonly failures: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

/** The worker's data API (mounted as `api.data`). */
export interface DataApi {
  /**
   * Read a picked folder: apply the ingestion rules (src/core/dataset), decode every supported
   * image once (a failure skips it as corrupt), sample (training) or take pairs (test), and keep
   * decoded pixels within the memory budget. Replaces any folder loaded before in that role.
   * `onProgress` returning (or resolving to) `false` cancels the load between two files: it rejects ("loading
   * cancelled after n of N files") and no folder is loaded in that role (the other role's folder is untouched).
   */
  loadFolder(files: readonly PickedFile[], options: FolderOptions, onProgress: LoadProgressCallback): Promise<FolderReport>;
  /** A page of the loaded folder's identities (training: the sampled ones) with thumbnails. */
  thumbnails(role: FolderRole, page: number, identitiesPerPage?: number, thumbnailsPerIdentity?: number): Promise<GalleryPage>;
  /** The test pairs in use as LFW pairs.txt text (names are identity keys). */
  exportPairsTxt(): Promise<string>;
  /**
   * Decode the first n supported files (default decode options) with `concurrency` decodes in flight (default 4,
   * as a folder load does) and time it: the throughput the training pipeline can count on.
   */
  measureDecode(files: readonly PickedFile[], n: number, concurrency?: number): Promise<DecodeMeasurement>;
  /** Current memory use of the decoded-pixel cache. */
  cacheReport(): Promise<CacheReport>;
  /** Originals next to their aligned crops for the first `count` images of a folder loaded with "Align faces". */
  alignPreview?(role: FolderRole, count?: number): Promise<AlignPreview>;
}
