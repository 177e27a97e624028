/**
 * `lab pairs`: an LFW-style pairs.txt from a scanned folder that parses back, addresses images by
 * their 1-based position among usable files, lays out folds like LFW and is deterministic per seed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/commands/pairs.ts';
import { UsageError } from '../../../src/cli/args.ts';
import { parsePairsTxt, type PairRef } from '../../../src/core/pairsTxt.ts';
import { writeCleanCorpus } from '../fixtures/badCorpus.ts';

const exec = promisify(execFile);

/** Images per identity; identity 0 is 'Ayşe Yılmaz'. Possible same pairs: 10 + 6 + 3 + 0 + 1 = 20. */
const COUNTS = [5, 4, 3, 1, 2];
let root: string;
let names: string[];
let outDir: string;

beforeAll(async () => {
  ({ root, identities: names } = await writeCleanCorpus(COUNTS));
  // A file that is not an image sorts first in id2: it must not take image number 1.
  await writeFile(join(root, 'id2', 'aaa.jpg'), 'not a picture');
  outDir = await mkdtemp(join(tmpdir(), 'margin-lab-pairs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

/** Run `lab pairs` in-process, writing to a file, and return the file's text. */
async function pairsFile(...args: string[]): Promise<string> {
  const out = join(outDir, `pairs-${args.join('_').replace(/[^\w-]/g, '')}.txt`);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await run(['--data', root, ...args, '--out', out])).toBe(0);
  } finally {
    stderr.mockRestore();
  }
  return readFile(out, 'utf8');
}

const key = (p: PairRef) => `${p.a.identity}#${p.a.index}|${p.b.identity}#${p.b.index}`;

describe('lab pairs', () => {
  it('writes balanced, distinct, in-range pairs that parse back', async () => {
    const text = await pairsFile('--count', '24', '--seed', '3');
    const pairs = parsePairsTxt(text);
    expect(text.split('\n')[0]).toBe('24');
    expect(pairs).toHaveLength(24);
    expect(pairs.filter((p) => p.same)).toHaveLength(12);
    expect(new Set(pairs.map(key)).size).toBe(24);
    for (const p of pairs) {
      for (const ref of [p.a, p.b]) {
        const i = names.indexOf(ref.identity);
        expect(i, ref.identity).toBeGreaterThanOrEqual(0);
        expect(ref.index).toBeGreaterThanOrEqual(1);
        expect(ref.index).toBeLessThanOrEqual(COUNTS[i]);
      }
      if (p.same) expect(p.a.index).not.toBe(p.b.index);
      else expect(p.a.identity).not.toBe(p.b.identity);
    }
    expect(pairs.some((p) => p.a.identity === 'Ayşe Yılmaz')).toBe(true);
  });

  it('numbers only usable images: all 20 same pairs use exactly the expected index pairs', async () => {
    const same = parsePairsTxt(await pairsFile('--count', '40', '--seed', '9')).filter((p) => p.same);
    expect(same).toHaveLength(20);
    const of = (name: string) =>
      same
        .filter((p) => p.a.identity === name)
        .map((p) => `${p.a.index}-${p.b.index}`)
        .sort();
    expect(of('id2')).toEqual(['1-2', '1-3', '2-3']); // aaa.jpg is skipped, so id2 has images 1..3
    expect(of('id3')).toEqual([]); // a singleton gives no same pair
    expect(of('id4')).toEqual(['1-2']);
  });

  it('is deterministic for a seed, and another seed gives other pairs', async () => {
    const a = await pairsFile('--count', '16', '--seed', '42');
    expect(await pairsFile('--count', '16', '--seed', '42')).toBe(a);
    expect(await pairsFile('--count', '16', '--seed', '43')).not.toBe(a);
  });

  it('lays out folds like LFW: per fold, n same pairs then n different pairs', async () => {
    const text = await pairsFile('--count', '12', '--seed', '5', '--folds', '3');
    expect(text.split('\n')[0]).toBe('3\t2');
    expect(parsePairsTxt(text).map((p) => p.same)).toEqual([true, true, false, false, true, true, false, false, true, true, false, false]);
  });

  it('prints to stdout by default', async () => {
    const chunks: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((c) => (chunks.push(String(c)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['--data', root, '--count', '4', '--seed', '1'])).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(parsePairsTxt(chunks.join(''))).toHaveLength(4);
  });

  it('reports bad requests as usage errors', async () => {
    await expect(run(['--count', '4', '--seed', '1'])).rejects.toThrow(/--data DIR is required/);
    await expect(run(['--data', root, '--seed', '1'])).rejects.toThrow(/--count is required/);
    await expect(run(['--data', root, '--count', '42', '--seed', '1'])).rejects.toThrow(/cannot sample 42 balanced pairs/);
    await expect(run(['--data', root, '--count', '10', '--seed', '1', '--folds', '3'])).rejects.toThrow(/multiple of 6/);
    await expect(run(['--data', root, '--count', '4', '--seed', '-1'])).rejects.toThrow(UsageError);
  });

  it('exits 2 with one line on stderr when run as a process', async () => {
    const failed = await exec('node_modules/.bin/tsx', ['src/cli/lab.ts', 'pairs', '--data', root, '--count', '1000', '--seed', '1']).then(
      () => undefined,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stdout).toBe('');
    expect(failed?.stderr).toMatch(/^lab pairs: cannot sample 1000 balanced pairs[^\n]*\n$/);
  });
});
