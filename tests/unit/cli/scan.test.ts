/**
 * The Node scanner and `lab scan` on a generated corpus of bad and unusual files: every valid
 * image counted, every bad one skipped with the right reason, the JSON contract of the CLI.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanDir, type ScanDirResult } from '../../../src/cli/scanDir.ts';
import { run } from '../../../src/cli/commands/scan.ts';
import { UsageError } from '../../../src/cli/args.ts';
import { writeBadCorpus, type CorpusSpec } from '../fixtures/badCorpus.ts';

const exec = promisify(execFile);
/** `npm run lab --` without npm's banner lines. */
const lab = (...args: string[]) => exec('node_modules/.bin/tsx', ['src/cli/lab.ts', ...args], { cwd: process.cwd() });

let corpus: CorpusSpec;
let scanned: ScanDirResult;

beforeAll(async () => {
  corpus = await writeBadCorpus();
  scanned = await scanDir(corpus.root);
});
afterAll(async () => {
  if (corpus) await rm(corpus.root, { recursive: true, force: true });
});

describe('scanDir on the bad corpus', () => {
  it('counts every valid image, including greyscale, CMYK, RGBA, 16-bit, 1×1, 4000×3000, GIF, WebP, AVIF, BMP', () => {
    const counted = scanned.inventory.identities.flatMap((id) => id.files);
    expect([...counted].sort()).toEqual([...corpus.valid].sort());
    expect(scanned.inventory.images).toBe(corpus.valid.length);
  });

  it('skips every bad file with the expected reason code', () => {
    const codes = Object.fromEntries(scanned.inventory.skipped.map((s) => [s.path, s.reason.code]));
    expect(codes).toEqual(corpus.skipped);
    const reasons = Object.fromEntries(scanned.inventory.skipped.map((s) => [s.path, s.reason.message]));
    expect(reasons['alice/scan.tiff']).toBe('unsupported format: TIFF');
    expect(reasons['alice/empty.jpg']).toBe('empty file (0 bytes)');
    // The code above is the verdict; libvips' own detail text varies when decodes run concurrently
    // ("premature end of JPEG file" or "Unknown error"), so only the reason's fixed part is checked.
    expect(reasons['alice/truncated.jpg']).toMatch(/^corrupt or truncated beyond decoding/);
    expect(reasons['alice/cut.bmp']).toMatch(/truncated BMP/);
  });

  it('lists each file once despite the symbolic link loop', () => {
    const paths = scanned.files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.length).toBe(corpus.valid.length + Object.keys(corpus.skipped).length);
  });

  it('counts only folders with a usable image as identities, NFC-named, and notes singletons', () => {
    const { identities, singletons, unusableFolders } = scanned.inventory;
    expect(identities.map((id) => id.key)).toEqual(['Jos\u00e9', 'alice', '平木大作']);
    expect(identities[0].files).toEqual(['Jose\u0301/1.png', 'Jose\u0301/2.png']);
    expect(singletons).toEqual(['平木大作']);
    expect(unusableFolders).toEqual(['bob']); // carol is empty: no file, nothing to list
  });

  it('does not decode when asked not to, so the truncated files then count', async () => {
    const { inventory } = await scanDir(corpus.root, { decode: false });
    // BMP is checked by header during decoding too; without decoding it counts on magic bytes.
    expect(inventory.images).toBe(corpus.valid.length + 4); // truncated.jpg, broken.png, cut.bmp, bob/only.jpg
  });
});

describe('lab scan', () => {
  it('prints one JSON object with the contract keys first', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await run([corpus.root])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]);
    expect(Object.keys(report)).toEqual(['identities', 'images', 'skipped', 'singletons', 'unusableFolders']);
    expect(report.identities).toBe(3);
    expect(report.images).toBe(corpus.valid.length);
    expect(report.skipped).toContainEqual({ path: 'alice/notes.jpg', reason: 'not an image', reasonCode: 'not-image' });
    expect(report.skipped).toContainEqual({ path: 'readme.txt', reason: 'file outside any identity folder', reasonCode: 'outside-identity' });
    expect(report.skipped).toHaveLength(Object.keys(corpus.skipped).length);
  });

  it('rejects a missing folder and extra arguments with a usage error', async () => {
    await expect(run([`${corpus.root}/does-not-exist`])).rejects.toThrow(UsageError);
    await expect(run([])).rejects.toThrow(/exactly one folder/);
    await expect(run([corpus.root, corpus.root])).rejects.toThrow(UsageError);
  });

  it('runs as a process: JSON on stdout, and exit 2 with one stderr line on error', async () => {
    const ok = await lab('scan', corpus.root);
    expect(JSON.parse(ok.stdout)).toMatchObject({ identities: 3, images: corpus.valid.length });
    const failed = await lab('scan', `${corpus.root}/nope`).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(failed?.stderr).toMatch(/^lab scan: cannot scan '.*nope': ENOENT/);
  });
});
