import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/commands/synth.ts';
import { UsageError } from '../../../src/cli/args.ts';
import { createSynthDataset } from '../../../src/core/synth/index.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-synth-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Runs the command in-process and returns its exit code and what it wrote to stdout. */
async function runSynth(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const code = await run(argv);
  vi.restoreAllMocks();
  return { code, stdout };
}

describe('lab synth', () => {
  it('writes LFW-style identity folders of PNGs that decode to the rendered pixels', async () => {
    const out = join(tempDir(), 'set'); // not there yet: the command creates it
    const { code, stdout } = await runSynth(['--out', out, '--seed', '7', '--identities', '3', '--images', '2', '--size', '48']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ out, identities: 3, images: 6, imagesPerIdentity: 2, size: 48, seed: 7 });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(out).sort()).toEqual(['synth-0001', 'synth-0002', 'synth-0003']);
    expect(readdirSync(join(out, 'synth-0002')).sort()).toEqual(['synth-0002_0001.png', 'synth-0002_0002.png']);

    const decoded = await sharp(join(out, 'synth-0002', 'synth-0002_0002.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(decoded.info).toMatchObject({ width: 48, height: 48, channels: 3 });
    const expected = createSynthDataset({ seed: 7, identities: 3, imagesPerIdentity: 2, size: 48 }).render(3);
    expect(new Uint8Array(decoded.data)).toEqual(expected);
  });

  it('rejects bad arguments with a UsageError', async () => {
    const out = tempDir();
    await expect(run(['--out', out, '--seed', '1', '--identities', '0', '--images', '2'])).rejects.toThrow(UsageError);
    await expect(run(['--out', out, '--seed', '1', '--identities', '2'])).rejects.toThrow(/--images is required/);
    await expect(run(['--seed', '1', '--identities', '2', '--images', '2'])).rejects.toThrow(/--out is required/);
    await expect(run(['--out', out, '--seed', '1', '--identities', '2', '--images', '2', '--difficulty', 'hard'])).rejects.toThrow(/--difficulty/);
    await expect(run(['--out', out, '--seed', '1', '--identities', '2', '--images', '2', 'extra'])).rejects.toThrow(/unexpected argument/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('exits 2 with one line on stderr through `lab`', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'synth', '--out', tempDir(), '--seed', '1', '--identities', '0', '--images', '1'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("lab synth: --identities must be an integer in [1, 100000], got '0'\n");
  });
});
