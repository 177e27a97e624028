"""The safetensors format, written and read by hand (no third-party package needed).

Layout (https://github.com/huggingface/safetensors, "Format"): 8 bytes little-endian unsigned header
length N, N bytes of JSON header {name: {"dtype", "shape", "data_offsets": [begin, end]}, optional
"__metadata__": {str: str}}, then the byte buffer; offsets are relative to the buffer's start. The
header is padded with spaces to a multiple of 8 bytes so the buffer stays aligned, as the reference
writer does. Only the dtypes the lab uses are handled (F32, I32).
"""
import json
import struct

import numpy as np

DTYPES = {'F32': np.float32, 'I32': np.int32}
NAMES = {np.dtype(np.float32): 'F32', np.dtype(np.int32): 'I32'}


def save_file(tensors, path, metadata=None):
    """Writes {name: array-like} to ``path`` (tensors in name order, little-endian)."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        value = tensors[name]
        array = np.ascontiguousarray(value.numpy() if hasattr(value, 'numpy') else value)
        if array.dtype not in NAMES:
            array = array.astype(np.float32)
        raw = array.astype(array.dtype.newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': NAMES[array.dtype], 'shape': list(array.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header['__metadata__'] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def load_file(path):
    """Reads ``path``: returns ({name: numpy array}, metadata dict)."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f'{path}: not a safetensors file (shorter than its 8-byte header length)')
    (length,) = struct.unpack('<Q', data[:8])
    if 8 + length > len(data):
        raise ValueError(f'{path}: header length {length} runs past the end of the file')
    header = json.loads(data[8:8 + length].decode('utf-8'))
    metadata = header.pop('__metadata__', {}) or {}
    buffer = memoryview(data)[8 + length:]
    out = {}
    for name, info in header.items():
        if info['dtype'] not in DTYPES:
            raise ValueError(f"{path}: tensor '{name}' has dtype {info['dtype']} (only F32 and I32 are read)")
        begin, end = info['data_offsets']
        array = np.frombuffer(buffer[begin:end], dtype=np.dtype(DTYPES[info['dtype']]).newbyteorder('<'))
        out[name] = array.reshape(info['shape']).astype(DTYPES[info['dtype']])
    return out, metadata
