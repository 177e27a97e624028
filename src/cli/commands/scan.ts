/**
 * `npm run lab -- scan DIR`: apply the lab's ingestion rules to a dataset folder (one sub-folder
 * per identity) and print one JSON object on stdout:
 * `{"identities": n, "images": n, "skipped": [{"path", "reason", "reasonCode"}], "singletons": [...],
 * "unusableFolders": [...]}`. `identities`, `images` and `skipped[].path/reason` are the contract;
 * the other fields are extensions. Paths are relative to DIR with '/'; identities are keyed by
 * folder path (see src/core/dataset/paths.ts for nested folders).
 */
import { parseOptions, UsageError } from '../args.ts';
import { scanDir } from '../scanDir.ts';

/** One-line description for `lab` without arguments. */
export const summary = 'scan DIR: count identities and images, list skipped files with reasons (JSON)';

/** The JSON printed by `lab scan`. */
export interface ScanReport {
  identities: number;
  images: number;
  skipped: { path: string; reason: string; reasonCode: string }[];
  singletons: string[];
  unusableFolders: string[];
}

/** Scan DIR and build the report (exported for `lab pairs` and tests). */
export async function scanReport(dir: string): Promise<ScanReport> {
  const { inventory } = await scanDir(dir);
  return {
    identities: inventory.identities.length,
    images: inventory.images,
    skipped: inventory.skipped.map((s) => ({ path: s.path, reason: s.reason.message, reasonCode: s.reason.code })),
    singletons: [...inventory.singletons],
    unusableFolders: [...inventory.unusableFolders],
  };
}

/** Run `lab scan`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { positionals } = parseOptions(argv, {});
  if (positionals.length !== 1) throw new UsageError('usage: lab scan DIR (exactly one folder)');
  const dir = positionals[0];
  let report: ScanReport;
  try {
    report = await scanReport(dir);
  } catch (err) {
    throw new UsageError(`cannot scan '${dir}': ${(err as Error).message.split('\n')[0]}`);
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}
