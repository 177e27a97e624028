/**
 * The safetensors file format (https://github.com/huggingface/safetensors, "Format"), read and written
 * without a dependency: 8 bytes little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}`, then the data
 * buffer (offsets relative to its start). The header is padded with spaces to a multiple of 8 bytes, as the
 * reference writer does, so every tensor stays 8-byte aligned. Only F32 and I32 are handled: the lab's
 * weights and the ones `lab export-torch`'s train.py writes (src/cli/torch/labtorch/safetensors_io.py).
 */

/** One tensor: row-major values and shape. */
export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** A parsed file: tensors by name and the string metadata. */
export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, NamedTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const ELEMENT_BYTES = 4;

/** Encodes tensors (written in name order) and optional metadata as a safetensors file. */
export function encodeSafetensors(tensors: ReadonlyMap<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`safetensors: '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    const bytes = t.data.length * ELEMENT_BYTES;
    header[name] = { dtype: t.data instanceof Float32Array ? 'F32' : 'I32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    for (let i = 0; i < t.data.length; i++, at += ELEMENT_BYTES) {
      if (t.data instanceof Float32Array) view.setFloat32(at, t.data[i], true);
      else view.setInt32(at, t.data[i], true);
    }
  }
  return out;
}

/** Parses a safetensors file; throws, saying what is wrong, for anything else or an unsupported dtype. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (8 + length > bytes.length) throw new Error(`not a safetensors file: header length ${length} runs past the end (${bytes.length} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  } catch {
    throw new Error('not a safetensors file: the header is not JSON');
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const base = 8 + length;
  const tensors = new Map<string, NamedTensor>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = raw as HeaderEntry;
    if (entry.dtype !== 'F32' && entry.dtype !== 'I32') throw new Error(`safetensors: '${name}' is ${entry.dtype}; only F32 and I32 are read`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * ELEMENT_BYTES || base + end > bytes.length) throw new Error(`safetensors: '${name}' has bad data offsets [${begin}, ${end}]`);
    const data = entry.dtype === 'F32' ? new Float32Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const at = base + begin + i * ELEMENT_BYTES;
      data[i] = entry.dtype === 'F32' ? view.getFloat32(at, true) : view.getInt32(at, true);
    }
    tensors.set(name, { shape: entry.shape, data });
  }
  return { tensors, metadata };
}
