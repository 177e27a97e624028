/**
 * The decode benchmark of the bench page (?mode=decode&images=N&source=250): N JPEGs of the built-in synthetic
 * faces at source×source pixels (LFW's photos are 250×250) are made in the page, then the worker decodes them
 * through the folder pipeline's own decoder (createImageBitmap + resize to 112×112 RGB) and times it.
 */
import { BUILTIN_DATA, createSynthDataset } from '../../core/synth/index.ts';
import type { PickedFile } from '../../protocol/data.ts';
import { dataApiOf } from '../worker/dataBridge.ts';
import type { LabWorkerHandle } from '../worker/labBridge.ts';

/** JPEG files of synthetic faces, made with the browser's own encoder. */
async function syntheticJpegs(count: number, size: number): Promise<PickedFile[]> {
  const faces = createSynthDataset({ ...BUILTIN_DATA.train, size });
  const canvas = new OffscreenCanvas(size, size);
  const context = canvas.getContext('2d')!;
  const files: PickedFile[] = [];
  for (let i = 0; i < count; i++) {
    const rgb = faces.render(i % faces.count);
    const rgba = new ImageData(size, size);
    for (let p = 0; p < size * size; p++) {
      rgba.data.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
      rgba.data[p * 4 + 3] = 255;
    }
    context.putImageData(rgba, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const name = `face_${String(i + 1).padStart(4, '0')}.jpg`;
    files.push({ file: new File([blob], name, { type: 'image/jpeg' }), relativePath: `bench/${faces.identityNames[faces.itemIdentity(i % faces.count)]}/${name}` });
  }
  return files;
}

/** Figures of the decode benchmark (field names are a CLI contract: add, never rename). */
export interface DecodeBenchResult {
  bench: 'decode';
  images: number;
  failures: number;
  /** Side of the square source JPEGs, pixels. */
  sourceSize: number;
  /** Decodes in flight. */
  concurrency: number;
  seconds: number;
  imagesPerSec: number;
}

/** Runs the decode benchmark in `worker`. */
export async function runDecodeBench(worker: LabWorkerHandle, params: URLSearchParams): Promise<DecodeBenchResult> {
  const images = Number(params.get('images') ?? 200);
  const sourceSize = Number(params.get('source') ?? 250);
  const concurrency = Number(params.get('concurrency') ?? 4);
  const files = await syntheticJpegs(images, sourceSize);
  const data = dataApiOf(worker.api);
  await data.measureDecode(files, Math.min(20, images), concurrency); // warm-up: decoder start-up is not throughput
  const m = await data.measureDecode(files, images, concurrency);
  return { bench: 'decode', images: m.images, failures: m.failures, sourceSize, concurrency, seconds: m.seconds, imagesPerSec: m.imagesPerSecond };
}
