/**
 * A short fingerprint of image bytes, so a test can pin the renderer's exact output and the
 * browser test can check that Chromium renders the very same pixels as Node.
 */

/** FNV-1a (32-bit) of the bytes, as 8 lowercase hex digits. */
export function pixelChecksum(bytes: Uint8Array): string {
  let hash = 0x811c9dc5; // FNV offset basis
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193); // FNV prime, multiplied modulo 2^32
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
