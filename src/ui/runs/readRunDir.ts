/**
 * Reads a RUN_DIR of `lab export-torch`'s train.py in the page — a picked folder or a .zip of it —
 * and turns it into what the lab keeps: a RunRecord folded from its log, and the checked request that has the
 * worker load and store its weights. Only the four files the lab reads are read (checkpoints can be hundreds of
 * MB), each refused by its size before it is read (src/core/runDir.ts RUN_DIR_LIMITS).
 */
import { unzipSync } from 'fflate';
import { locateRunDir, MAX_RUN_ZIP_BYTES, parseRunConfig, parseRunIdentities, RunDirError, type RunDirEntry } from '../../core/runDir.ts';
import type { EvalEvent } from '../../protocol/api.ts';
import type { TorchRunImport } from '../../protocol/models.ts';
import { lossSummary } from './exportRuns.ts';
import { runRecordFromLog } from './runFromLog.ts';
import { parseRunLog } from './runLog.ts';
import type { RunRecord } from './runRecord.ts';

/** A RUN_DIR's files as read. */
export interface RunDirContents {
  log: string;
  config: string;
  identities?: string;
  weights: Uint8Array;
  /** The folder's own name, when it has one (the zip's or folder's top directory). */
  folder?: string;
}

/** Entries a RUN_DIR zip may hold (its files, checkpoints and directories: about ten). */
const MAX_ZIP_ENTRIES = 256;

const folderName = (prefix: string) => prefix.split('/').filter(Boolean).at(-1);

/** A picked folder's files (`webkitRelativePath`, or bare names for a plain multi-file pick). */
export async function readRunDirFiles(files: readonly File[]): Promise<RunDirContents> {
  const byPath = new Map(files.map((f) => [f.webkitRelativePath || f.name, f]));
  const { prefix, files: paths } = locateRunDir([...byPath].map(([path, f]) => ({ path, size: f.size })));
  const text = async (path: string) => new TextDecoder().decode(await byPath.get(path)!.arrayBuffer());
  return {
    log: await text(paths.log),
    config: await text(paths.config),
    ...(paths.identities ? { identities: await text(paths.identities) } : {}),
    weights: new Uint8Array(await byPath.get(paths.weights)!.arrayBuffer()),
    ...(folderName(prefix) ? { folder: folderName(prefix) } : {}),
  };
}

/** A RUN_DIR zipped (with or without its top folder). Sizes are checked from the zip's directory before inflating. */
export function readRunDirZip(bytes: Uint8Array): RunDirContents {
  if (bytes.byteLength > MAX_RUN_ZIP_BYTES)
    throw new RunDirError(
      `the .zip is ${Math.round(bytes.byteLength / 2 ** 20)} MiB, more than the ${Math.round(MAX_RUN_ZIP_BYTES / 2 ** 20)} MiB a run folder may be: zip it without checkpoints/`,
    );
  const entries: RunDirEntry[] = [];
  try {
    // Listing only: the filter sees each entry's declared size and inflates nothing.
    unzipSync(bytes, {
      filter(info) {
        entries.push({ path: info.name, size: info.originalSize });
        return false;
      },
    });
  } catch (err) {
    throw new RunDirError(`the file is not a readable .zip (${(err as Error).message})`);
  }
  if (entries.length > MAX_ZIP_ENTRIES) throw new RunDirError(`the .zip holds ${entries.length} files, more than a run folder's ${MAX_ZIP_ENTRIES}`);
  const { prefix, files: paths } = locateRunDir(entries);
  const wanted = new Set(Object.values(paths));
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (info) => wanted.has(info.name) });
  } catch (err) {
    throw new RunDirError(`the .zip could not be read (${(err as Error).message})`);
  }
  const text = (path: string) => new TextDecoder().decode(files[path]);
  return {
    log: text(paths.log),
    config: text(paths.config),
    ...(paths.identities ? { identities: text(paths.identities) } : {}),
    weights: files[paths.weights],
    ...(folderName(prefix) ? { folder: folderName(prefix) } : {}),
  };
}

/** A zipped RUN_DIR file, refused by its size before it is read into memory. */
export async function readRunDirZipFile(file: Blob): Promise<RunDirContents> {
  if (file.size > MAX_RUN_ZIP_BYTES)
    throw new RunDirError(
      `the .zip is ${Math.round(file.size / 2 ** 20)} MiB, more than the ${Math.round(MAX_RUN_ZIP_BYTES / 2 ** 20)} MiB a run folder may be: zip it without checkpoints/`,
    );
  return readRunDirZip(new Uint8Array(await file.arrayBuffer()));
}

/** What importing a RUN_DIR adds: the run, and the worker's request for its model. */
export interface RunDirImport {
  run: RunRecord;
  request: TorchRunImport;
}

/**
 * The run and model request of a RUN_DIR's contents; throws RunDirError / RunLogError with one sentence when the
 * config, identities or log are not the lab's, or the log has no steps. (The weights are checked by the worker.)
 */
export function runDirImport(contents: RunDirContents, importedAt: string): RunDirImport {
  const config = parseRunConfig(contents.config);
  const classes = contents.identities === undefined ? undefined : parseRunIdentities(contents.identities).length;
  const log = parseRunLog(contents.log);
  const label = `PyTorch${contents.folder ? ` ${contents.folder}` : ''} · ${config.model.backbone} · ${lossSummary(config.loss)}`;
  const run = runRecordFromLog(log.events, {
    id: log.runId,
    label,
    config,
    dataLabel: 'PyTorch run (train.py)',
    startedAt: importedAt,
    ...(classes === undefined ? {} : { classes }),
  });
  const evaluation = log.events.filter((e): e is EvalEvent => e.type === 'eval' && e.step <= run.step).at(-1);
  return {
    run,
    request: {
      runId: log.runId,
      label: run.label,
      config,
      weights: contents.weights,
      step: run.step,
      ...(classes === undefined ? {} : { classes }),
      ...(evaluation ? { evaluation } : {}),
    },
  };
}
