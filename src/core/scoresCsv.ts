/**
 * The scores CSV that `lab eval` reads: a `label,score` header, then one row per pair with
 * label 0 (different identities) or 1 (same identity) and the pair's cosine similarity.
 *
 *   label,score
 *   1,0.83
 *   0,0.12
 *
 * Tolerated: a UTF-8 byte-order mark, CRLF line ends, spaces around fields, trailing blank lines.
 * Everything else is an error that names its 1-based line number.
 */

/** A malformed scores CSV; `line` is the 1-based line the problem is on. */
export class ScoresCsvError extends Error {
  readonly line: number;
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = 'ScoresCsvError';
    this.line = line;
  }
}

/** Labels and scores in file order. */
export interface ScoresTable {
  readonly labels: Uint8Array;
  readonly scores: Float64Array;
}

/** A decimal or exponent number as CSV writers print it (no hex, no Infinity, no NaN). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a scores CSV. Throws ScoresCsvError (message `line N: …`) for: a missing or wrong header,
 * a row without exactly two fields, a label other than 0/1, a score that is not a finite number, a
 * blank line between rows, no data rows, and data with only one class (names the missing class).
 */
export function parseScoresCsv(text: string): ScoresTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  if (last === 0) throw new ScoresCsvError(1, "missing header 'label,score' (the file is empty)");
  const header = lines[0].split(',').map((field) => field.trim());
  if (header.length !== 2 || header[0] !== 'label' || header[1] !== 'score') {
    throw new ScoresCsvError(1, `header must be 'label,score', got '${lines[0].trim()}'`);
  }
  const rows = last - 1;
  if (rows === 0) throw new ScoresCsvError(2, 'no data rows after the header');
  const labels = new Uint8Array(rows);
  const scores = new Float64Array(rows);
  let positives = 0;
  for (let r = 0; r < rows; r++) {
    const lineNumber = r + 2;
    const line = lines[r + 1];
    if (line.trim() === '') throw new ScoresCsvError(lineNumber, 'blank line between data rows');
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length !== 2) throw new ScoresCsvError(lineNumber, `expected 2 fields 'label,score', got ${fields.length}`);
    const [label, score] = fields;
    if (label !== '0' && label !== '1') throw new ScoresCsvError(lineNumber, `label must be 0 or 1, got '${label}'`);
    if (!NUMBER.test(score)) throw new ScoresCsvError(lineNumber, `score '${score}' is not a finite number`);
    const value = Number(score);
    if (!Number.isFinite(value)) throw new ScoresCsvError(lineNumber, `score '${score}' is not a finite number`);
    labels[r] = label === '1' ? 1 : 0;
    if (label === '1') positives++;
    scores[r] = value;
  }
  if (positives === 0 || positives === rows) {
    const present = positives === 0 ? '0 (different identity)' : '1 (same identity)';
    const missing = positives === 0 ? '1 (same identity)' : '0 (different identity)';
    throw new ScoresCsvError(last, `only label ${present} rows in lines 2–${last}; no label ${missing} rows, so verification metrics are undefined`);
  }
  return { labels, scores };
}
