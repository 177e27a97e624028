/**
 * `npm run lab -- eval --scores FILE`: verification metrics of a scores CSV (`label,score` rows,
 * see src/core/scoresCsv.ts) as one JSON object on stdout. Bad input or an unreadable file is a
 * UsageError: exit code 2 and one line on stderr naming the file and, for bad rows, the line.
 */
import { createReadStream } from 'node:fs';
import { evaluateVerification } from '../../core/metrics.ts';
import { readScoresCsv, ScoresCsvError, type ScoresTable } from '../../core/scoresCsv.ts';
import { parseOptions, UsageError } from '../args.ts';

/** One-line description for `lab` usage. */
export const summary = 'verification metrics (AUC, EER, TAR@FAR, 10-fold accuracy) of a label,score CSV';

/** The TAR@FAR keys printed, in order. */
const FAR_KEYS = Object.freeze(['0.1', '0.01', '0.001', '0.0001'] as const);

/** The exact stdout object: these keys, in this order. */
export interface EvalOutput {
  pairs: number;
  positives: number;
  negatives: number;
  auc: number;
  eer: number;
  eerThreshold: number;
  bestAccuracy: number;
  bestThreshold: number;
  tenFold: { mean: number; std: number };
  tarAtFar: Record<(typeof FAR_KEYS)[number], number>;
}

/** A file's text in chunks; a read error (missing file, directory, no permission) becomes the UsageError it is. */
async function* textChunks(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const chunk of stream) yield chunk as string;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --scores file '${path}'${code ? ` (${code})` : ''}`);
  } finally {
    stream.destroy();
  }
}

/** The scores of a CSV file, streamed (a file of millions of rows is never held as one string). */
async function readScores(path: string): Promise<ScoresTable> {
  try {
    return await readScoresCsv(textChunks(path));
  } catch (err) {
    if (err instanceof ScoresCsvError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
}

/** Metrics of the scores in `table`, shaped as the command prints them. */
export function evalOutput(table: ScoresTable): EvalOutput {
  const report = evaluateVerification(table.labels, table.scores, { fars: FAR_KEYS.map(Number) });
  return {
    pairs: report.pairs,
    positives: report.positives,
    negatives: report.negatives,
    auc: report.auc,
    eer: report.eer,
    eerThreshold: report.eerThreshold,
    bestAccuracy: report.bestAccuracy,
    bestThreshold: report.bestThreshold,
    tenFold: { mean: report.tenFold.mean, std: report.tenFold.std },
    tarAtFar: {
      '0.1': report.tarAtFar['0.1'],
      '0.01': report.tarAtFar['0.01'],
      '0.001': report.tarAtFar['0.001'],
      '0.0001': report.tarAtFar['0.0001'],
    },
  };
}

/** Runs the command; returns the exit code (0), or throws UsageError for bad arguments or input. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { scores: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (usage: lab eval --scores FILE)`);
  if (values.scores === undefined) throw new UsageError('--scores FILE is required (a CSV with header label,score)');
  const output = evalOutput(await readScores(values.scores));
  process.stdout.write(`${JSON.stringify(output)}\n`);
  return 0;
}
