/**
 * "Train at scale…"'s zip holds exactly the files `lab export-torch` writes, byte for byte — the
 * bundled Python sources, README, config.json and init.safetensors (the worker's initialWeights and the CLI's
 * come from one function, src/ml/torchWeights.ts; here the CLI's bytes are passed in).
 */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { torchExportName, torchExportZip } from '../../../src/ui/scale/scaleZip.ts';
import { TORCH_SOURCES } from '../../../src/ui/scale/torchSources.ts';

// tests/ui is type-checked as browser code without Node's types; the runner is Node (as tests/ui/css.ts does).
const fs = (await import(/* @vite-ignore */ 'node:fs' as string)) as {
  readFileSync(path: string): Uint8Array;
  readdirSync(path: string, o: { recursive: true }): string[];
  mkdtempSync(prefix: string): string;
  writeFileSync(p: string, t: string): void;
  rmSync(p: string, o: object): void;
  statSync(p: string): { isFile(): boolean };
};
const cp = (await import(/* @vite-ignore */ 'node:child_process' as string)) as { execFileSync(file: string, args: string[], o: object): string };
const os = (await import(/* @vite-ignore */ 'node:os' as string)) as { tmpdir(): string };

describe('Train at scale… zip', () => {
  it('contains the same files as lab export-torch writes', () => {
    const cfg = { model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 }, loss: { kind: 'arcface', marginDeg: 30 }, seed: 4 };
    const dir = fs.mkdtempSync(`${os.tmpdir()}/lab-scale-`);
    try {
      fs.writeFileSync(`${dir}/cfg.json`, JSON.stringify(cfg));
      const out = JSON.parse(
        cp.execFileSync('node_modules/.bin/tsx', ['src/cli/lab.ts', 'export-torch', '--config', `${dir}/cfg.json`, '--out', `${dir}/exp`], { encoding: 'utf8', timeout: 110_000 }),
      ) as { files: string[] };
      const onDisk = fs
        .readdirSync(`${dir}/exp`, { recursive: true })
        .filter((p) => fs.statSync(`${dir}/exp/${p}`).isFile())
        .sort();
      expect(out.files.slice().sort()).toEqual(onDisk);
      const config = parseTrainConfig(cfg);
      const zip = unzipSync(torchExportZip(config, fs.readFileSync(`${dir}/exp/init.safetensors`)));
      expect(Object.keys(zip)).toEqual(out.files);
      for (const file of out.files) expect(zip[file], file).toEqual(new Uint8Array(fs.readFileSync(`${dir}/exp/${file}`)));
      expect(Object.keys(TORCH_SOURCES)).toContain('labtorch/models.py');
      expect(torchExportName(config)).toBe('margin-lab-torch-tiny-seed4.zip');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
