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
import { LineSplitter, MAX_LINE_LENGTH, readChunks } from './lineSplitter.ts';

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
 * Reads a scores CSV chunk by chunk (`push`, then `end`), so a large file streams: rows go straight into growing
 * typed arrays and no line list or whole text is kept. Same rules and messages as parseScoresCsv.
 */
export class ScoresCsvReader {
  private readonly splitter = new LineSplitter((n) => new ScoresCsvError(n, `longer than ${MAX_LINE_LENGTH} characters`));
  private lineNumber = 1;
  private labels = new Uint8Array(1024);
  private scores = new Float64Array(1024);
  private rows = 0;
  private positives = 0;
  /** The first blank line since the last row: an error if another row follows, fine at the end. */
  private blankAt = 0;
  private lastFilled = 0;

  push(chunk: string): void {
    for (const line of this.splitter.push(chunk)) this.line(line, this.lineNumber++);
  }

  /** The table; throws ScoresCsvError when there is no header, no row, or only one class. */
  end(): ScoresTable {
    for (const line of this.splitter.end()) this.line(line, this.lineNumber++);
    if (this.lastFilled === 0) throw new ScoresCsvError(1, "missing header 'label,score' (the file is empty)");
    const rows = this.rows;
    if (rows === 0) throw new ScoresCsvError(2, 'no data rows after the header');
    if (this.positives === 0 || this.positives === rows) {
      const present = this.positives === 0 ? '0 (different identity)' : '1 (same identity)';
      const missing = this.positives === 0 ? '1 (same identity)' : '0 (different identity)';
      throw new ScoresCsvError(this.lastFilled, `only label ${present} rows in lines 2–${this.lastFilled}; no label ${missing} rows, so verification metrics are undefined`);
    }
    return { labels: this.labels.slice(0, rows), scores: this.scores.slice(0, rows) };
  }

  private line(line: string, lineNumber: number): void {
    if (lineNumber === 1) {
      const header = line.split(',').map((field) => field.trim());
      // A blank first line is an empty file if nothing follows, else a wrong header (checked when a line follows).
      if (line.trim() === '') {
        this.blankAt = 1;
        return;
      }
      if (header.length !== 2 || header[0] !== 'label' || header[1] !== 'score') throw new ScoresCsvError(1, `header must be 'label,score', got '${line.trim().slice(0, 80)}'`);
      this.lastFilled = 1;
      return;
    }
    if (line.trim() === '') {
      if (this.blankAt === 0) this.blankAt = lineNumber;
      return;
    }
    if (this.blankAt === 1) throw new ScoresCsvError(1, "header must be 'label,score', got ''");
    if (this.blankAt !== 0) throw new ScoresCsvError(this.blankAt, 'blank line between data rows');
    this.lastFilled = lineNumber;
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length !== 2) throw new ScoresCsvError(lineNumber, `expected 2 fields 'label,score', got ${fields.length}`);
    const [label, score] = fields;
    if (label !== '0' && label !== '1') throw new ScoresCsvError(lineNumber, `label must be 0 or 1, got '${label.slice(0, 40)}'`);
    const value = Number(score);
    if (!NUMBER.test(score) || !Number.isFinite(value)) throw new ScoresCsvError(lineNumber, `score '${score.slice(0, 40)}' is not a finite number`);
    if (this.rows === this.labels.length) {
      // Doubling keeps the copies to twice the final size in all.
      const labels = new Uint8Array(2 * this.rows);
      labels.set(this.labels);
      const scores = new Float64Array(2 * this.rows);
      scores.set(this.scores);
      this.labels = labels;
      this.scores = scores;
    }
    this.labels[this.rows] = label === '1' ? 1 : 0;
    if (label === '1') this.positives++;
    this.scores[this.rows++] = value;
  }
}

/**
 * Parses a scores CSV. Throws ScoresCsvError (message `line N: …`) for: a missing or wrong header,
 * a row without exactly two fields, a label other than 0/1, a score that is not a finite number, a
 * blank line between rows, no data rows, and data with only one class (names the missing class).
 */
export function parseScoresCsv(text: string): ScoresTable {
  const reader = new ScoresCsvReader();
  reader.push(text);
  return reader.end();
}

/** parseScoresCsv on text that arrives in chunks (a file's stream), without holding the whole text. */
export function readScoresCsv(chunks: AsyncIterable<string> | Iterable<string>): Promise<ScoresTable> {
  return readChunks(chunks, new ScoresCsvReader());
}
