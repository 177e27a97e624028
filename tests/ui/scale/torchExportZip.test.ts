/**
 * "Train at scale…"'s zip holds exactly the files `lab export-torch` writes, byte for byte — the
 * bundled Python sources, README, config.json, data.json (the page's Data panel choices; the CLI's
 * `--data-settings FILE`) and init.safetensors (the worker's initialWeights and the CLI's
 * come from one function, src/ml/torchWeights.ts; here the CLI's bytes are passed in).
 */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOLDER_DATA_SETTINGS, folderDataSettingsJson } from '../../../src/core/dataSettings.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { DEFAULT_DATA_SETTINGS } from '../../../src/ui/data/settings.ts';
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
      const zip = unzipSync(torchExportZip(config, { init: fs.readFileSync(`${dir}/exp/init.safetensors`) }));
      expect(Object.keys(zip)).toEqual(out.files);
      for (const file of out.files) expect(zip[file], file).toEqual(new Uint8Array(fs.readFileSync(`${dir}/exp/${file}`)));
      expect(Object.keys(TORCH_SOURCES)).toContain('labtorch/models.py');
      expect(torchExportName(config)).toBe('margin-lab-torch-tiny-seed4.zip');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('with the Data panel choices: data.json, byte for byte what lab export-torch --data-settings writes', () => {
    const cfg = { model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 }, seed: 2 };
    // The form as the page holds it (with its memory budget), K = 50 identities, min 5 images, 300 test pairs.
    const form = { ...DEFAULT_DATA_SETTINGS, identities: 50, minImages: 5, testPairs: 300, centreCrop: false, background: 'white' as const };
    const dir = fs.mkdtempSync(`${os.tmpdir()}/lab-scale-data-`);
    try {
      fs.writeFileSync(`${dir}/cfg.json`, JSON.stringify(cfg));
      fs.writeFileSync(`${dir}/data.json`, JSON.stringify({ identities: 50, minImages: 5, testPairs: 300, centreCrop: false, background: 'white' }));
      const out = JSON.parse(
        cp.execFileSync(
          'node_modules/.bin/tsx',
          ['src/cli/lab.ts', 'export-torch', '--config', `${dir}/cfg.json`, '--out', `${dir}/exp`, '--no-init', '--data-settings', `${dir}/data.json`],
          { encoding: 'utf8', timeout: 110_000 },
        ),
      ) as { files: string[] };
      expect(out.files).toContain('data.json');
      const zip = unzipSync(torchExportZip(parseTrainConfig(cfg), { data: form }));
      expect(Object.keys(zip)).toEqual(out.files);
      for (const file of out.files) expect(zip[file], file).toEqual(new Uint8Array(fs.readFileSync(`${dir}/exp/${file}`)));
      const data = JSON.parse(new TextDecoder().decode(zip['data.json'])) as Record<string, unknown>;
      expect(data).toEqual({ ...DEFAULT_FOLDER_DATA_SETTINGS, identities: 50, minImages: 5, maxImages: null, testPairs: 300, centreCrop: false, background: 'white' });
      expect(new TextDecoder().decode(zip['data.json'])).toBe(folderDataSettingsJson(form));
      // config.json stays the TrainConfig as it is: the data choices are not mixed into it.
      expect(JSON.parse(new TextDecoder().decode(zip['config.json']))).toEqual(parseTrainConfig(cfg));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
