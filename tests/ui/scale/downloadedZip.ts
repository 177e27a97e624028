/** Reading back what "Train at scale…" handed to downloadBlob, for the UI tests of the export. */
import { unzipSync, type Unzipped } from 'fflate';

/** A Blob's bytes (jsdom's Blob has no arrayBuffer(), every browser's has). */
export function blobBytes(blob: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
}

/** The files of a downloaded zip Blob. */
export async function unzipBlob(blob: Blob): Promise<Unzipped> {
  return unzipSync(await blobBytes(blob));
}
