/**
 * The alignment preview: for the first images of a folder loaded with "Align faces", the original
 * photo (downscaled, the chosen face's box and 5 points drawn on it) next to the crop the model
 * sees, so the user can judge what alignment did. Fits come from the alignment cache: showing the
 * preview detects nothing again.
 */
import type { AlignPreview, AlignPreviewItem, FolderRole } from '../../src/protocol/data.ts';
import { fitOf } from './align.ts';
import { workerAlignCache } from '../../src/ml/align/alignCache.ts';
import type { DataStore } from '../../src/ml/data/dataStore.ts';
import { rgbToJpeg } from './decode.ts';

/** Longest side of the preview's originals, in px (a grid cell next to a 112-px crop). */
export const ALIGN_PREVIEW_SIDE = 160;

/** Images shown when the UI does not say. */
export const ALIGN_PREVIEW_COUNT = 12;

async function markedOriginal(file: Blob, box: { x: number; y: number; width: number; height: number }, points: readonly { x: number; y: number }[]): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, ALIGN_PREVIEW_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('OffscreenCanvas 2d context is not available in this worker');
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    context.strokeStyle = '#22c55e';
    context.lineWidth = 2;
    context.strokeRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale);
    context.fillStyle = '#f43f5e';
    for (const p of points) context.fillRect(p.x * scale - 1.5, p.y * scale - 1.5, 3, 3);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  } finally {
    bitmap.close();
  }
}

/** Originals next to crops for the first `count` images (in identity order) of a folder loaded with alignment. */
export async function alignPreview(store: DataStore, role: FolderRole, count = ALIGN_PREVIEW_COUNT): Promise<AlignPreview> {
  const folder = store.folder(role);
  if (!folder) throw new Error(`no ${role} folder is loaded`);
  const align = folder.decode.align;
  if (!align) throw new Error(`the ${role} folder was loaded without "Align faces"`);
  const heldOut = new Map(folder.validation.map((id) => [id.key, id.files]));
  const paths = folder.identities.flatMap((id) => [...id.files, ...(heldOut.get(id.key) ?? [])]).slice(0, Math.max(0, count));
  const items: AlignPreviewItem[] = [];
  for (const path of paths) {
    const file = folder.files.get(path);
    if (!file) continue;
    const bitmap = await createImageBitmap(file);
    let result;
    try {
      result = await fitOf(file, bitmap, align, workerAlignCache);
    } finally {
      bitmap.close();
    }
    if (!result.found) continue;
    const { fit } = result;
    items.push({
      path,
      original: await markedOriginal(file, fit.box, fit.fivePoints),
      crop: await rgbToJpeg(await store.pixels(role, path, false), folder.decode.imageSize),
      faces: fit.faces,
      score: fit.score,
    });
  }
  const noFace = folder.report.skipped.filter((s) => s.reason.code === 'no-face').map((s) => s.path);
  return { role, items, noFace };
}
