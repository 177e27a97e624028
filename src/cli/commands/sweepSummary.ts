/**
 * `npm run --silent lab -- sweep-summary [--markdown] FILE…`: the outputs of `lab sweep` (one JSON object per file,
 * any mix of seeds and of the report and domain sets) summarised over seeds by src/core/seedSummary.ts, as ONE JSON
 * object: {"seeds", "aucs": [{"preset", "mean", "sd", "n"}, …], "trainAccuracies": […], "gaps": [{"id", "label",
 * "plus", "minus", "mean", "sd", "n"}, …], "findings": [{"id", "title", "held", "checked", "failedSeeds"}, …],
 * "perSeed": [{"seed", "runs": [as in `lab sweep`], "findings": [{"id", "holds", "detail"}, …]}, …]} (plus "skipped": [{"file", "reason"}] when a
 * file could not be used). `--markdown` prints the same as a per-seed table instead.
 * A file that is not a sweep output, or that repeats a preset another file already gave for its seed, is skipped
 * with its reason (stderr and "skipped"); the others are still summarised. Exit code: 0 when every file was used,
 * 1 when one was skipped, 2 on bad usage or when no file could be used.
 */
import { readFile } from 'node:fs/promises';
import type { SweepRunSummary } from '../../core/findings.ts';
import { isPlainObject } from '../../core/plainObject.ts';
import { findPreset } from '../../core/presets.ts';
import { summarizeSeeds, spreadText, type SeedRuns, type SeedsSummary } from '../../core/seedSummary.ts';
import { parseOptions, UsageError } from '../args.ts';

export const summary = '`lab sweep` outputs of several seeds → how often each finding held, mean ± sd of AUCs and gaps';

const USAGE = 'usage: lab sweep-summary [--markdown] FILE… (each the JSON that `lab sweep` printed)';

const NUMBER_FIELDS = ['auc', 'eer', 'trainAccuracy', 'firstLoss', 'lastLoss', 'seconds'] as const;

/** The runs of one `lab sweep` output, or why it is not one. */
export function parseSweepOutput(value: unknown): SeedRuns | { error: string } {
  if (!isPlainObject(value)) return { error: 'not a JSON object' };
  const { seed, runs } = value;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) return { error: '"seed" is not an integer ≥ 0' };
  if (!Array.isArray(runs)) return { error: '"runs" is not a list' };
  const parsed: SweepRunSummary[] = [];
  for (const [index, run] of runs.entries()) {
    const where = `runs[${index}]`;
    if (!isPlainObject(run)) return { error: `${where} is not an object` };
    if (typeof run.preset !== 'string' || typeof run.loss !== 'string') return { error: `${where} lacks "preset" or "loss"` };
    const bad = NUMBER_FIELDS.find((k) => typeof run[k] !== 'number' || !Number.isFinite(run[k]));
    if (bad) return { error: `${where} (${run.preset}): "${bad}" is not a finite number` };
    if (typeof run.collapsed !== 'boolean') return { error: `${where} (${run.preset}): "collapsed" is not true or false` };
    const classes = run.classes;
    if (classes !== undefined && (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 1))
      return { error: `${where} (${run.preset}): "classes" is not a positive integer` };
    parsed.push({
      preset: run.preset,
      loss: run.loss,
      ...Object.fromEntries(NUMBER_FIELDS.map((k) => [k, run[k] as number])),
      collapsed: run.collapsed,
      ...(classes === undefined ? {} : { classes }),
    } as SweepRunSummary);
  }
  return { seed, runs: parsed };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** The summary as a Markdown table: a row per seed (AUC, and training accuracy where a finding reads it), then mean ± sd. */
export function markdownOf(s: SeedsSummary): string {
  const withAccuracy = new Set(['quick-softmax', 'quick-margin-60']);
  const header = ['seed', ...s.aucs.map((a) => findPreset(a.preset)?.name ?? a.preset), 'findings'];
  const rows = s.perSeed.map(({ seed, runs, findings }) => {
    const cells = s.aucs.map(({ preset }) => {
      const run = runs.find((r) => r.preset === preset);
      if (!run) return '–';
      return withAccuracy.has(preset) ? `${run.auc.toFixed(3)} (${pct(run.trainAccuracy)})` : run.auc.toFixed(3);
    });
    return [String(seed), ...cells, findings.map((f) => (f.holds ? '✔' : '✘')).join(' ')];
  });
  const mean = ['mean ± sd', ...s.aucs.map((a) => spreadText(a)), ''];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const table = [line(header), line(header.map(() => '---')), ...rows.map(line), line(mean)];
  const gaps = s.gaps.map((g) => `- ${g.label}: ${spreadText(g, true)} (${g.n} seeds)`);
  const held = s.findings.map((f) => `- ${f.title}: held on ${f.held} of ${f.checked} seeds${f.failedSeeds.length ? ` (not on ${f.failedSeeds.join(', ')})` : ''}`);
  return [...table, '', 'Gaps (mean ± sd):', ...gaps, '', 'Findings:', ...held].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { markdown: { type: 'boolean', default: false } });
  if (positionals.length === 0) throw new UsageError(`no files given\n${USAGE}`);
  const used: SeedRuns[] = [];
  const skipped: { file: string; reason: string }[] = [];
  // Which file gave each (seed, preset): a second file with the same pair is skipped rather than silently replacing it.
  const givenBy = new Map<string, string>();
  for (const file of positionals) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      skipped.push({ file, reason: code ? `cannot read it (${code})` : `not JSON (${(err as Error).message})` });
      continue;
    }
    const parsed = parseSweepOutput(value);
    if ('error' in parsed) {
      skipped.push({ file, reason: `not a \`lab sweep\` output: ${parsed.error}` });
      continue;
    }
    const repeated = parsed.runs.find((r) => givenBy.has(`${parsed.seed}/${r.preset}`));
    if (repeated) {
      skipped.push({ file, reason: `seed ${parsed.seed} already has a ${repeated.preset} run, from ${givenBy.get(`${parsed.seed}/${repeated.preset}`)}` });
      continue;
    }
    for (const r of parsed.runs) givenBy.set(`${parsed.seed}/${r.preset}`, file);
    used.push(parsed);
  }
  for (const { file, reason } of skipped) process.stderr.write(`lab sweep-summary: skipped ${file}: ${reason}\n`);
  if (used.length === 0) throw new UsageError('no file could be used');

  const seedsSummary = summarizeSeeds(used);
  if (values.markdown) process.stdout.write(`${markdownOf(seedsSummary)}\n`);
  else {
    // Each seed's findings without the report's words (the top-level "findings" carry the titles).
    const perSeed = seedsSummary.perSeed.map(({ seed, runs, findings }) => ({ seed, runs, findings: findings.map(({ id, holds, detail }) => ({ id, holds, detail })) }));
    const { seeds, aucs, trainAccuracies, gaps, findings } = seedsSummary;
    process.stdout.write(`${JSON.stringify({ seeds, aucs, trainAccuracies, gaps, findings, perSeed, ...(skipped.length ? { skipped } : {}) })}\n`);
  }
  return skipped.length ? 1 : 0;
}
