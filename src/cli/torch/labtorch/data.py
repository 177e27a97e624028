"""The lab's data rules in Python: identity folders, skip rules, preprocessing and seeded sampling.

Ports of src/core/dataset/paths.ts + inventory.ts (what counts as an image, and why a file is skipped),
src/cli/trainData.ts and the page's decoder (decode → EXIF orientation → transparent pixels over the background →
cover resize with a centre crop, or the whole image squashed → RGB), src/core/prng.ts (sfc32, so a seed draws the
lab's numbers) and src/core/dataset/sampling.ts bit for bit (identities, per-identity cap, validation hold-out).

Known differences from the lab (documented in the export's README):
- decoding and resizing use Pillow (Lanczos, crop-then-resize) where the lab uses sharp/libvips (Node,
  Lanczos3, resize-then-crop) or the browser's decoder; pixels may differ by a few levels (JPEG IDCT
  rounding, resampling), never in geometry;
- a file Pillow cannot decode is skipped as corrupt; libvips may be stricter (a JPEG cut by its last
  bytes) or laxer on some damaged files;
- none in the pairs: a test folder without pairs.txt gets the lab's own sampled pairs (labtorch/pairs.py, a
  bit-for-bit port of src/core/pairs.ts); a pairs.txt in the test folder is used as is.
"""
import math
import os
import unicodedata

import numpy as np

SYSTEM_NAMES = {'thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db', 'desktop.ini', '$recycle.bin',
                'system volume information', '__macosx', 'icon\r'}
SUPPORTED = ('jpeg', 'png', 'gif', 'webp', 'bmp', 'avif')


def is_hidden(name):
    """Dot-files and operating-system files (paths.ts isHiddenName)."""
    return name.startswith('.') or name.lower() in SYSTEM_NAMES


def sniff(head):
    """The image format from the magic bytes (sniff.ts, supported formats only), or None."""
    if head[:3] == b'\xff\xd8\xff':
        return 'jpeg'
    if head[:8] == b'\x89PNG\r\n\x1a\n':
        return 'png'
    if head[:6] in (b'GIF87a', b'GIF89a'):
        return 'gif'
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return 'webp'
    if head[:2] == b'BM' and len(head) >= 26:
        return 'bmp'
    if head[4:8] == b'ftyp' and any(b in head[8:64] for b in (b'avif', b'avis')):
        return 'avif'
    return None


def _walk(root):
    """(relative '/' path, absolute path) of every file below ``root``, sorted, links followed once."""
    seen = set()
    out = []

    def visit(absolute, relative):
        real = os.path.realpath(absolute)
        if real in seen:
            return
        seen.add(real)
        for name in sorted(os.listdir(absolute)):
            child, rel = os.path.join(absolute, name), f'{relative}/{name}' if relative else name
            if os.path.isdir(child):
                visit(child, rel)
            else:
                out.append((rel, child))

    visit(root, '')
    return out


def _decodes(path):
    from PIL import Image
    try:
        with Image.open(path) as img:
            img.load()
        return None
    except Exception as err:  # noqa: BLE001 - any decoder failure means "corrupt"
        return str(err).split('\n')[0]


def scan(root, decode=True):
    """The identities of a dataset folder (inventory.ts rules, first match wins):
    returns (identities, skipped) with identities a list of {key, name, files (absolute paths)} sorted by
    key, files sorted by file name; skipped a list of {path, reason}."""
    usable = {}
    skipped = []
    for rel, absolute in _walk(root):
        segments = [s for s in unicodedata.normalize('NFC', rel).split('/') if s not in ('', '.')]
        if any(is_hidden(s) for s in segments):
            skipped.append({'path': rel, 'reason': 'hidden/system file'})
            continue
        if len(segments) < 2:
            skipped.append({'path': rel, 'reason': 'file outside any identity folder'})
            continue
        try:
            size = os.path.getsize(absolute)
            if size == 0:
                skipped.append({'path': rel, 'reason': 'empty file (0 bytes)'})
                continue
            with open(absolute, 'rb') as f:
                kind = sniff(f.read(64))
        except OSError as err:
            skipped.append({'path': rel, 'reason': f'could not be read: {err.strerror}'})
            continue
        if kind is None:
            skipped.append({'path': rel, 'reason': 'not an image or unsupported format'})
            continue
        problem = _decodes(absolute) if decode else None
        if problem is not None:
            skipped.append({'path': rel, 'reason': f'corrupt or truncated beyond decoding: {problem}'})
            continue
        key = '/'.join(segments[:-1])
        usable.setdefault(key, {'key': key, 'name': segments[-2], 'files': []})['files'].append((segments[-1], rel, absolute))
    identities = []
    for key in sorted(usable):
        entry = usable[key]
        files = sorted(entry['files'], key=lambda f: (f[0], f[1]))
        identities.append({'key': key, 'name': entry['name'], 'files': [f[2] for f in files]})
    return identities, skipped


BACKGROUNDS = {'black': (0, 0, 0), 'white': (255, 255, 255)}


def load_rgb(path, size, centre_crop=True, background='black'):
    """RGB uint8 size×size×3: EXIF orientation, transparent pixels composited over ``background`` (as the page's
    canvas does) or, with ``background`` None, the alpha channel dropped and the colour under transparent pixels
    kept (as `lab train`'s sharp removeAlpha does); then a cover resize with a centre crop, or the whole image
    resized to the square (``centre_crop`` False, the page's "Centre crop" off)."""
    from PIL import Image, ImageOps
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img)
        # 'transparency' in info: a PNG tRNS chunk, which marks a palette entry or one colour (in L, RGB or I
        # images) as transparent; the conversion to RGBA applies it.
        transparent = img.mode in ('RGBA', 'LA', 'PA', 'RGBa', 'La') or 'transparency' in img.info
        if background is not None and transparent:
            rgba = img.convert('RGBA')
            img = Image.alpha_composite(Image.new('RGBA', rgba.size, BACKGROUNDS[background] + (255,)), rgba)
        img = img.convert('RGB')
        if centre_crop:
            img = ImageOps.fit(img, (size, size), Image.LANCZOS, centering=(0.5, 0.5))
        else:
            img = img.resize((size, size), Image.LANCZOS)
        return np.asarray(img, dtype=np.uint8).copy()


# ---- sfc32 (src/core/prng.ts), bit for bit ----------------------------------------------------
M32 = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M32


def _splitmix32(state):
    z = (state + 0x9E3779B9) & M32
    z = _imul(z ^ (z >> 16), 0x85EBCA6B)
    z = _imul(z ^ (z >> 13), 0xC2B2AE35)
    return (z ^ (z >> 16)) & M32


def _fmix32(h):
    h ^= h >> 16
    h = _imul(h, 0x85EBCA6B)
    h ^= h >> 13
    h = _imul(h, 0xC2B2AE35)
    h ^= h >> 16
    return h & M32


def hash_seed(text):
    """FNV-1a over UTF-16 code units, then the Murmur3 finaliser (prng.ts hashSeed)."""
    h = 0x811C9DC5
    units = text.encode('utf-16-le')
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = _imul(h, 0x01000193)
    return _fmix32(h)


class Rng:
    """The lab's seeded generator (createRng): same seed, same numbers as in TypeScript."""

    def __init__(self, seed):
        if isinstance(seed, str):
            seed = hash_seed(seed)
        elif not (isinstance(seed, int) and 0 <= seed < 2 ** 32):
            seed = hash_seed(str(seed))
        self.seed = seed
        self.a = _splitmix32(seed)
        self.b = _splitmix32(self.a ^ 0x6A09E667)
        self.c = _splitmix32(self.b ^ 0xBB67AE85)
        self.d = 1
        for _ in range(12):
            self.next_uint32()

    def next_uint32(self):
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & M32
        self.d = (d + 1) & M32
        self.a = b ^ (b >> 9)
        self.b = (c + (c << 3)) & M32
        c = ((c << 21) | (c >> 11)) & M32
        self.c = (c + t) & M32
        return t

    def next(self):
        return self.next_uint32() / 2 ** 32

    def int(self, n):
        limit = 2 ** 32 - (2 ** 32 % n)
        x = self.next_uint32()
        while x >= limit:
            x = self.next_uint32()
        return x % n

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items

    def fork(self, label):
        label_hash = hash_seed(label) if isinstance(label, str) else _fmix32(Rng._to_seed(label) ^ 0x3C6EF372)
        return Rng(_fmix32(((self.seed ^ _imul(label_hash, 0x9E3779B1)) + 0x7F4A7C15) & M32))

    @staticmethod
    def _to_seed(value):
        return value if isinstance(value, int) and 0 <= value < 2 ** 32 else hash_seed(str(value))


def _js_round(x):
    """Math.round for x >= 0: halves go up (Python's round() goes to even)."""
    whole = math.floor(x)
    return whole + 1 if x - whole >= 0.5 else whole


def _choose(files, keep, rng):
    """``keep`` of ``files`` chosen by ``rng``, in their sorted order (sampling.ts choose)."""
    if len(files) <= keep:
        return list(files)
    picked = sorted(rng.shuffle(list(range(len(files))))[:keep])
    return [files[i] for i in picked]


def sample_dataset(identities, seed, count=None, min_images=1, max_images=None, validation_fraction=0.0):
    """The lab's training sample (sampling.ts sampleDataset, bit for bit): drop identities under ``min_images`` →
    ``count`` of the rest (sorted by key, shuffled by fork('identities') of createRng(seed), the first ``count``,
    sorted again; all when None) → each capped at ``max_images`` (a choice by fork('cap').fork(key)) → round(
    ``validation_fraction`` × images) held out in the order of a fork('validation') shuffle, never an identity's
    last image. Returns {train, validation (identities with held-out images), eligible}."""
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ValueError(f'identities must be an integer >= 1, got {count}')
    if not isinstance(min_images, int) or min_images < 1:
        raise ValueError(f'minImages must be an integer >= 1, got {min_images}')
    if max_images is not None and (not isinstance(max_images, int) or max_images < min_images):
        raise ValueError(f'maxImages ({max_images}) must be an integer >= minImages ({min_images})')
    if not 0 <= validation_fraction < 1:
        raise ValueError(f'validationFraction must be in [0, 1), got {validation_fraction}')
    rng = Rng(seed)
    eligible = sorted((i for i in identities if len(i['files']) >= min_images), key=lambda i: i['key'])
    wanted = len(eligible) if count is None else min(count, len(eligible))
    chosen = eligible if wanted == len(eligible) else sorted(
        rng.fork('identities').shuffle(list(eligible))[:wanted], key=lambda i: i['key'])
    cap_rng = rng.fork('cap')
    capped = [dict(i, files=list(i['files']) if max_images is None else _choose(i['files'], max_images, cap_rng.fork(i['key'])))
              for i in chosen]
    target = _js_round(validation_fraction * sum(len(i['files']) for i in capped))
    held = [set() for _ in capped]
    if target > 0:
        every = [(i, j) for i, ident in enumerate(capped) for j in range(len(ident['files']))]
        taken = 0
        for i, j in rng.fork('validation').shuffle(every):
            if taken == target:
                break
            if len(capped[i]['files']) - len(held[i]) <= 1:
                continue
            held[i].add(j)
            taken += 1
    train = [dict(ident, files=[f for j, f in enumerate(ident['files']) if j not in held[i]]) for i, ident in enumerate(capped)]
    validation = [dict(ident, files=[f for j, f in enumerate(ident['files']) if j in held[i]])
                  for i, ident in enumerate(capped) if held[i]]
    return {'train': train, 'validation': validation, 'eligible': len(eligible)}


def sample_identities(identities, count, seed, min_images=1):
    """``count`` identities chosen as the lab chooses them, every image of each (sample_dataset without cap or
    hold-out)."""
    return sample_dataset(identities, seed, count, min_images)['train']


# ---- verification pairs ------------------------------------------------------------------------
def read_pairs_txt(path, identities):
    """LFW pairs.txt (pairsTxt.ts) → [(item a, item b, same)] over the flattened items of ``identities``
    (identity order, then file order; image numbers are 1-based positions in the identity's folder)."""
    by_name = {}
    start = 0
    for ident in identities:
        by_name[unicodedata.normalize('NFC', ident['key'])] = (start, len(ident['files']))
        start += len(ident['files'])

    def item(name, number, line_no):
        key = unicodedata.normalize('NFC', name)
        if key not in by_name:
            raise ValueError(f"{path}:{line_no}: no identity '{name}' in the test folder")
        first, count = by_name[key]
        if not 1 <= number <= count:
            raise ValueError(f"{path}:{line_no}: '{name}' has {count} images, not image {number}")
        return first + number - 1

    pairs = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split('\t') if '\t' in line else line.split()
        if len(fields) == 3:
            pairs.append((item(fields[0], int(fields[1]), line_no), item(fields[0], int(fields[2]), line_no), True))
        elif len(fields) == 4:
            pairs.append((item(fields[0], int(fields[1]), line_no), item(fields[2], int(fields[3]), line_no), False))
        else:
            raise ValueError(f'{path}:{line_no}: expected 3 or 4 fields, got {len(fields)}')
    return pairs
