/**
 * The data API the lab worker exposes as `api.data` (src/protocol/data.ts): a plain object of
 * async functions over a DataStore, so comlink can call `api.data.loadFolder(…)` by path.
 * The training loop in the same worker reaches the loaded data through the same store.
 */
import type { DataApi, DecodeMeasurement, FolderRole, GalleryIdentity, GalleryPage, PickedFile } from '../../src/protocol/data.ts';
import type { DataStore } from '../../src/ml/data/dataStore.ts';
import { DEFAULT_DECODE_OPTIONS, sniffBlob } from '../../src/ml/data/images.ts';
import { decodeToRgb, rgbToJpeg } from './decode.ts';
import { workerDataStore } from './workerDataStore.ts';

/** Gallery page shape when the UI does not say: 12 identities of 6 thumbnails (a 2-row grid on a laptop). */
export const GALLERY_DEFAULTS = Object.freeze({ identitiesPerPage: 12, thumbnailsPerIdentity: 6 });

/** A page of a loaded folder's identities with JPEG thumbnails of what the model sees. */
async function galleryPage(store: DataStore, role: FolderRole, page: number, perPage: number, perIdentity: number): Promise<GalleryPage> {
  const folder = store.folder(role);
  if (!folder) throw new Error(`no ${role} folder is loaded`);
  // Training identities show their held-out validation images too: a wrong face is a noisy label wherever it ended up.
  const heldOut = new Map(folder.validation.map((id) => [id.key, id.files]));
  const all = folder.identities.map((id) => ({ ...id, files: [...id.files, ...(heldOut.get(id.key) ?? [])] }));
  const total = all.length;
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const current = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
  const shown = all.slice(current * perPage, (current + 1) * perPage);
  const identities = await Promise.all(
    shown.map(async (identity): Promise<GalleryIdentity> => ({
      key: identity.key,
      name: identity.name,
      imageCount: identity.files.length,
      thumbnails: await Promise.all(
        identity.files.slice(0, perIdentity).map(async (path) =>
          // Not kept in the cache: browsing must not evict or crowd out training images.
          rgbToJpeg(await store.pixels(role, path, false), folder.decode.imageSize),
        ),
      ),
    })),
  );
  return { role, page: current, pageCount, totalIdentities: total, identities };
}

/** Decode up to n supported images among `files` and time it (sniffing is not timed). */
/** Decodes in flight when a folder is read (src/ml/data/scanPicked.ts uses the same number). */
const DECODE_LANES = 4;

async function measureDecode(files: readonly PickedFile[], n: number, concurrency = DECODE_LANES): Promise<DecodeMeasurement> {
  const chosen: PickedFile[] = [];
  for (const picked of files) {
    if (chosen.length >= n) break;
    if (picked.file.size > 0 && (await sniffBlob(picked.file)).kind === 'supported') chosen.push(picked);
  }
  let failures = 0;
  let next = 0;
  const lane = async () => {
    while (next < chosen.length) {
      const picked = chosen[next++];
      await decodeToRgb(picked.file, DEFAULT_DECODE_OPTIONS).catch(() => failures++);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, chosen.length)) }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { images: chosen.length, failures, seconds, imagesPerSecond: seconds > 0 ? chosen.length / seconds : 0 };
}

/**
 * Create the data API over `store` (by default the worker's shared `workerDataStore`, which the
 * training code reads batches from; tests pass a fresh DataStore).
 */
export function createDataApi(store: DataStore = workerDataStore): DataApi {
  return {
    loadFolder: (files, options, onProgress) => store.load(files, options, onProgress),
    thumbnails: (role, page, identitiesPerPage = GALLERY_DEFAULTS.identitiesPerPage, thumbnailsPerIdentity = GALLERY_DEFAULTS.thumbnailsPerIdentity) =>
      galleryPage(store, role, page, identitiesPerPage, thumbnailsPerIdentity),
    exportPairsTxt: async () => store.exportPairsTxt(),
    measureDecode: (files, n, concurrency) => measureDecode(files, n, concurrency),
    cacheReport: async () => store.cacheReport(),
    // Loaded on first use: it pulls in face-api, which a folder loaded without alignment never needs.
    alignPreview: async (role, count) => (await import('./alignPreview.ts')).alignPreview(store, role, count),
  };
}
