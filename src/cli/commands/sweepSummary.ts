/**
 * `npm run --silent lab -- sweep-summary [--markdown] FILE…`: the outputs of `lab sweep` (one JSON object per file,
 * any mix of seeds and of the report and domain sets) summarised over seeds by src/core/seedSummary.ts, as ONE JSON
 * object: {"scale", "seeds", "aucs": [{"preset", "mean", "sd", "n"}, …], "trainAccuracies": […], "gaps": [{"id",
 * "label", "plus", "minus", "mean", "sd", "n"}, …], "findings": [{"id", "title", "held", "checked", "failedSeeds"},
 * …], "perSeed": [{"seed", "runs": [as in `lab sweep`], "findings": [{"id", "holds", "detail"}, …]}, …]} (plus
 * "skipped": [{"file", "reason"}] when a file could not be used). `--markdown` prints the same as a per-seed table.
 * A file is skipped, with its reason on stderr and in "skipped", when it is not a sweep output, repeats a preset
 * another file already gave for its seed, or trained at another scale (`--scale micro`) than the files before it;
 * the others are still summarised. Exit code: 0 when every file was used, 1 when one was skipped, 2 on bad usage or
 * when no file could be used.
 */
import { readFile } from 'node:fs/promises';
import { FINDING_DEFINITIONS, type SweepRunSummary } from '../../core/findings.ts';
import { isPlainObject } from '../../core/plainObject.ts';
import { findPreset } from '../../core/presets.ts';
import { summarizeSeeds, spreadText, type SeedRuns, type SeedsSummary } from '../../core/seedSummary.ts';
import { parseOptions, UsageError } from '../args.ts';

export const summary = '`lab sweep` outputs of several seeds → how often each finding held, mean ± sd of AUCs and gaps';

const USAGE = 'usage: lab sweep-summary [--markdown] FILE… (each the JSON that `lab sweep` printed)';

const NUMBER_FIELDS = ['auc', 'eer', 'trainAccuracy', 'firstLoss', 'lastLoss', 'seconds'] as const;

/** One `lab sweep` output as the summary reads it: its seed and runs, and the scale they trained at. */
export interface SweepOutput extends SeedRuns {
  /** 'demo', or 'micro' (plumbing checks whose numbers mean nothing); an output without the field is 'demo'. */
  scale: string;
}

/** The runs of one `lab sweep` output, or why it is not one. */
export function parseSweepOutput(value: unknown): SweepOutput | { error: string } {
  if (!isPlainObject(value)) return { error: 'not a JSON object' };
  const { seed, runs, scale = 'demo' } = value;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) return { error: '"seed" is not an integer ≥ 0' };
  if (typeof scale !== 'string') return { error: '"scale" is not a string' };
  if (!Array.isArray(runs)) return { error: '"runs" is not a list' };
  const parsed: SweepRunSummary[] = [];
  for (const [index, run] of runs.entries()) {
    const where = `runs[${index}]`;
    if (!isPlainObject(run)) return { error: `${where} is not an object` };
    if (typeof run.preset !== 'string' || typeof run.loss !== 'string') return { error: `${where} lacks "preset" or "loss"` };
    if (parsed.some((r) => r.preset === run.preset)) return { error: `${where}: a second ${run.preset} run` };
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
  return { seed, scale, runs: parsed };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** "1 seed", "3 seeds". */
const seedsText = (n: number): string => `${n} seed${n === 1 ? '' : 's'}`;

/** The presets whose training accuracy a finding reads (softmax fits; 60° fails to learn): the table shows it. */
const ACCURACY_SHOWN = new Set(['quick-softmax', 'quick-margin-60']);

/**
 * The summary as a Markdown table: a row per seed (AUC, with training accuracy where a finding reads it, and one
 * ✔/✘ per finding in the report's order, – where the seed lacked its runs), then mean ± sd, the gaps and the tallies.
 */
export function markdownOf(s: SeedsSummary): string {
  const header = ['seed', ...s.aucs.map((a) => findPreset(a.preset)?.name ?? a.preset), `findings 1–${FINDING_DEFINITIONS.length}`];
  const rows = s.perSeed.map(({ seed, runs, findings }) => {
    const cells = s.aucs.map(({ preset }) => {
      const run = runs.find((r) => r.preset === preset);
      if (!run) return '–';
      return ACCURACY_SHOWN.has(preset) ? `${run.auc.toFixed(3)} (${pct(run.trainAccuracy)})` : run.auc.toFixed(3);
    });
    const verdicts = FINDING_DEFINITIONS.map((d) => {
      const finding = findings.find((f) => f.id === d.id);
      return finding ? (finding.holds ? '✔' : '✘') : '–';
    });
    return [String(seed), ...cells, verdicts.join(' ')];
  });
  // A column that fewer seeds measured than the table has says over how many.
  const mean = ['mean ± sd', ...s.aucs.map((a) => `${spreadText(a)}${a.n < s.seeds.length ? ` (${seedsText(a.n)})` : ''}`), ''];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const table = [line(header), line(header.map(() => '---')), ...rows.map(line), line(mean)];
  const gaps = s.gaps.map((g) => `- ${g.label}: ${spreadText(g, true)} (${seedsText(g.n)})`);
  const held = s.findings.map((f) => {
    const failed = f.failedSeeds.length ? ` (not on seed${f.failedSeeds.length > 1 ? 's' : ''} ${f.failedSeeds.join(', ')})` : '';
    return `- ${f.title}: held on ${f.held} of ${seedsText(f.checked)}${failed}`;
  });
  return [...table, '', 'Gaps (mean ± sd):', ...gaps, '', 'Findings:', ...held].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { markdown: { type: 'boolean', default: false } });
  if (positionals.length === 0) throw new UsageError(`no files given\n${USAGE}`);
  const used: SweepOutput[] = [];
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
    if (used.length > 0 && parsed.scale !== used[0].scale) {
      skipped.push({ file, reason: `trained at scale '${parsed.scale}', the files before it at '${used[0].scale}': their numbers do not mix` });
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
    const out = { scale: used[0].scale, seeds, aucs, trainAccuracies, gaps, findings, perSeed, ...(skipped.length ? { skipped } : {}) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  return skipped.length ? 1 : 0;
}
