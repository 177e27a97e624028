/**
 * Image format sniffing from magic bytes, shared by the browser picker and the Node scanner.
 *
 * The file's extension never decides: a `.jpg` holding text is "not an image" and a PNG named
 * `.jpg` is a PNG. "Supported" means what Chromium's `createImageBitmap` decodes (JPEG, PNG, GIF,
 * WebP, BMP, AVIF); formats that are recognisably images but that Chromium cannot decode are
 * "unsupported" and say which format they are, so the user knows what to convert.
 */

/** Formats the lab decodes (Chromium's createImageBitmap decodes all of them). */
export type SupportedFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif';

/** Image formats we recognise but cannot decode in the browser. */
export type UnsupportedFormat = 'tiff' | 'heic' | 'jxl' | 'psd' | 'svg' | 'ico' | 'jp2';

/** What the head bytes of a file say it is. */
export type SniffResult =
  { readonly kind: 'supported'; readonly format: SupportedFormat } | { readonly kind: 'unsupported'; readonly format: UnsupportedFormat } | { readonly kind: 'not-image' };

/**
 * How many head bytes `sniffFormat` looks at. 512 covers every signature below plus the ISO-BMFF
 * `ftyp` box with its compatible-brand list and an SVG root element after an XML prolog/comment.
 */
export const SNIFF_BYTES = 512;

/** Human names of every format, for messages ("unsupported format: TIFF"). */
export const FORMAT_LABELS: Readonly<Record<SupportedFormat | UnsupportedFormat, string>> = Object.freeze({
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
  tiff: 'TIFF',
  heic: 'HEIC/HEIF',
  jxl: 'JPEG XL',
  psd: 'Photoshop PSD',
  svg: 'SVG',
  ico: 'ICO/CUR icon',
  jp2: 'JPEG 2000',
});

const NOT_IMAGE: SniffResult = Object.freeze({ kind: 'not-image' });
const supported = (format: SupportedFormat): SniffResult => ({ kind: 'supported', format });
const unsupported = (format: UnsupportedFormat): SniffResult => ({ kind: 'unsupported', format });

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function readU32BE(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

function readU32LE(bytes: Uint8Array, at: number): number {
  return bytes[at] + (bytes[at + 1] << 8) + (bytes[at + 2] << 16) + ((bytes[at + 3] << 24) >>> 0);
}

function readI32LE(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

function readU16LE(bytes: Uint8Array, at: number): number {
  return bytes[at] + (bytes[at + 1] << 8);
}

/** AVIF brands (AV1 Image File Format spec, section 8). */
const AVIF_BRANDS = new Set(['avif', 'avis']);
/** HEIF/HEIC brands (ISO/IEC 23008-12 Annex B); `mif1`/`msf1` are generic HEIF containers. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

/** ISO-BMFF (`....ftyp`): AVIF if any brand is AVIF, HEIF if any brand is HEIF, else a video/other container. */
function sniffFtyp(bytes: Uint8Array): SniffResult {
  const boxSize = readU32BE(bytes, 0);
  const end = Math.min(bytes.length, boxSize >= 16 ? boxSize : 16);
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4));
  if (brands.some((b) => AVIF_BRANDS.has(b))) return supported('avif');
  if (brands.some((b) => HEIF_BRANDS.has(b))) return unsupported('heic');
  return NOT_IMAGE;
}

/** DIB header sizes of the BMP variants (BITMAPCOREHEADER 12 … BITMAPV5HEADER 124; 64 = OS/2 2.x). */
const BMP_DIB_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** `BM` alone is two printable letters; a BMP also has a known DIB header size right after the file header. */
function looksLikeBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 18 && bytes[0] === 0x42 && bytes[1] === 0x4d && BMP_DIB_SIZES.has(readU32LE(bytes, 14));
}

/** ICO/CUR: reserved 0, type 1 (icon) or 2 (cursor), then a non-zero image count. */
function looksLikeIco(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && bytes[0] === 0 && bytes[1] === 0 && (bytes[2] === 1 || bytes[2] === 2) && bytes[3] === 0 && readU16LE(bytes, 4) > 0;
}

/** SVG is text: an `<svg` root element, possibly after a UTF-8 BOM (read here as Latin-1), XML prolog, doctype or comments. */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const text = ascii(bytes, 0, SNIFF_BYTES)
    .replace(/^\xEF\xBB\xBF/, '')
    .trimStart();
  if (!text.startsWith('<')) return false;
  return /<svg[\s>]/i.test(text);
}

/**
 * Identify an image format from the first bytes of a file (pass at least `SNIFF_BYTES` when the
 * file is that long; fewer bytes only risk "not an image" for very short files).
 */
export function sniffFormat(head: Uint8Array): SniffResult {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return supported('jpeg');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return supported('png');
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return supported('gif');
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return supported('webp');
  if (looksLikeBmp(head)) return supported('bmp');
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') return sniffFtyp(head);
  // TIFF little/big endian, and BigTIFF (version 43).
  if (
    startsWith(head, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(head, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])
  )
    return unsupported('tiff');
  // JPEG XL: bare codestream, or the ISO-BMFF container's `JXL ` signature box.
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a])) return unsupported('jxl');
  // JPEG 2000: JP2 signature box, or a bare J2K codestream (SOC + SIZ markers).
  if (startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]) || startsWith(head, [0xff, 0x4f, 0xff, 0x51])) return unsupported('jp2');
  if (ascii(head, 0, 4) === '8BPS') return unsupported('psd');
  if (looksLikeIco(head)) return unsupported('ico');
  if (looksLikeSvg(head)) return unsupported('svg');
  return NOT_IMAGE;
}

/** BMP compression codes we can size-check: BI_RGB (0) and BI_BITFIELDS/BI_ALPHABITFIELDS (3, 6). */
const BMP_UNCOMPRESSED = new Set([0, 3, 6]);
const BMP_BIT_DEPTHS = new Set([1, 2, 4, 8, 16, 24, 32]);

/**
 * Checks that a BMP's header describes decodable pixels and that an uncompressed BMP's pixel
 * rows fit in the file. sharp (libvips) cannot decode BMP, so the Node scanner uses this instead
 * of a decode; RLE/JPEG/PNG-compressed BMPs are verified by header only (the browser decodes them).
 * @param head the first bytes of the file (at least 54, i.e. file header + BITMAPINFOHEADER)
 * @param fileSize the whole file's size in bytes
 * @returns null when the structure is sound, else what is wrong
 */
export function checkBmpStructure(head: Uint8Array, fileSize: number): string | null {
  if (!looksLikeBmp(head)) return 'not a BMP header';
  const dataOffset = readU32LE(head, 10);
  const dibSize = readU32LE(head, 14);
  const core = dibSize === 12;
  if (head.length < 14 + (core ? 12 : 40)) return 'BMP header is truncated';
  const width = core ? readU16LE(head, 18) : readI32LE(head, 18);
  const height = core ? readU16LE(head, 20) : readI32LE(head, 22);
  const bitsPerPixel = core ? readU16LE(head, 24) : readU16LE(head, 28);
  const compression = core ? 0 : readU32LE(head, 30);
  if (width <= 0 || height === 0) return `BMP has invalid dimensions ${width}×${height}`;
  if (!BMP_BIT_DEPTHS.has(bitsPerPixel)) return `BMP has unsupported bit depth ${bitsPerPixel}`;
  if (dataOffset < 14 + dibSize || dataOffset >= fileSize) return 'BMP pixel data offset lies outside the file';
  if (!BMP_UNCOMPRESSED.has(compression)) return null;
  // Rows are padded to 4 bytes (BMP file format); height is negative for top-down bitmaps.
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const needed = dataOffset + rowBytes * Math.abs(height);
  return needed > fileSize ? `truncated BMP: pixel data needs ${needed} bytes, file has ${fileSize}` : null;
}
