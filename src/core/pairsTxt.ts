/**
 * Reading and writing LFW's pairs.txt format.
 *
 * Layout (as in http://vis-www.cs.umass.edu/lfw/pairs.txt):
 *   line 1    header: `folds<TAB>n` (LFW: `10	300`, meaning 10 folds of n same + n different
 *             pairs, 2·folds·n lines) or a single count `N` (LFW's pairsDevTrain.txt writes N same
 *             + N different pairs; other tools write the total N, so both readings are accepted);
 *   same      `name<TAB>n1<TAB>n2`            — two images of one identity;
 *   different `name1<TAB>n1<TAB>name2<TAB>n2` — images of two identities.
 * An image number is the 1-based position of the image in its identity's folder, with the folder's
 * files sorted by file name: LFW names its files name_0001.jpg, name_0002.jpg, … so number k is
 * name_000k.jpg there, and other datasets get the same meaning from the sort.
 * Fields are tab-separated, so names may hold spaces, Japanese or emoji. A line without any tab is
 * split on runs of whitespace instead (older LFW-style files), which works when names have no spaces.
 */

import { LineSplitter, MAX_LINE_LENGTH, readChunks } from './lineSplitter.ts';

/** One image of a pair: identity (folder) name and the 1-based image number within it. */
export interface ImageRef {
  identity: string;
  index: number;
}

/** A pair as pairs.txt stores it; same = same identity (a 3-field line). */
export interface PairRef {
  a: ImageRef;
  b: ImageRef;
  same: boolean;
}

/** Options for formatPairsTxt. */
export interface PairsTxtFormatOptions {
  /**
   * Write an LFW `folds<TAB>n` header with n = pairs / (2·folds); the pair count must divide
   * evenly. Without it the header is the total pair count.
   */
  readonly folds?: number;
}

const POSITIVE_INT = /^[1-9][0-9]*$/;
const COUNT = /^[0-9]+$/;

function splitFields(line: string): string[] {
  return line.includes('\t') ? line.split('\t') : line.trim().split(/\s+/);
}

function parseImageNumber(field: string, lineNumber: number, what: string): number {
  const text = field.trim();
  if (!POSITIVE_INT.test(text)) throw new Error(`pairs.txt line ${lineNumber}: ${what} '${field}' is not a positive integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`pairs.txt line ${lineNumber}: ${what} '${field}' is too large`);
  return n;
}

function parseName(field: string, lineNumber: number, what: string): string {
  if (field.trim() === '') throw new Error(`pairs.txt line ${lineNumber}: ${what} is empty`);
  return field;
}

/** Header counts: `N` or `folds n`; returns the pair-line counts it allows. */
function parseHeader(line: string, lineNumber: number): number[] {
  const fields = splitFields(line).map((f) => f.trim());
  const numbers = fields.map((f) => (COUNT.test(f) ? Number(f) : NaN));
  if (fields.length === 1 && !Number.isNaN(numbers[0])) return [numbers[0], 2 * numbers[0]];
  if (fields.length === 2 && !numbers.some(Number.isNaN)) return [2 * numbers[0] * numbers[1]];
  throw new Error(`pairs.txt line ${lineNumber}: header must be a pair count 'N' or 'folds<TAB>n' (LFW: '10\\t300'), got '${line.slice(0, 80)}'`);
}

/**
 * The folds of a pairs.txt's `folds<TAB>n` header (LFW: 10), or undefined for a count header `N` or a text whose
 * header is neither. Read with parsePairsTxt's rules, so a writer can keep the folds of a file it rewrites.
 */
export function pairsTxtFolds(text: string): number | undefined {
  const fields = splitFields(text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]).map((f) => f.trim());
  return fields.length === 2 && fields.every((f) => COUNT.test(f)) ? Number(fields[0]) : undefined;
}

/** Most pairs a pairs.txt may announce (LFW has 6,000): a header beyond it is refused before any line is read. */
export const MAX_PAIRS = 1_000_000;

/**
 * Reads pairs.txt text chunk by chunk (`push`, then `end`), so a large file streams: only the pairs are kept, and
 * a file with more pair lines than its header announces stops at the first line too many. Same rules and messages
 * as parsePairsTxt.
 */
export class PairsTxtReader {
  private readonly pairs: PairRef[] = [];
  private allowedCounts: number[] | undefined;
  private headerLine = 0;
  private lineNumber = 1;
  private readonly splitter = new LineSplitter((n) => new Error(`pairs.txt line ${n}: longer than ${MAX_LINE_LENGTH} characters`));

  push(chunk: string): void {
    for (const line of this.splitter.push(chunk)) this.line(line, this.lineNumber++);
  }

  /** The pairs; throws when the header is missing or its count does not match. */
  end(): PairRef[] {
    for (const line of this.splitter.end()) this.line(line, this.lineNumber++);
    if (this.allowedCounts === undefined) throw new Error('pairs.txt line 1: missing header (the file is empty)');
    if (!this.allowedCounts.includes(this.pairs.length)) {
      throw new Error(`pairs.txt line ${this.headerLine}: header announces ${this.allowedCounts.join(' or ')} pairs but the file has ${this.pairs.length}`);
    }
    return this.pairs;
  }

  private line(line: string, lineNumber: number): void {
    if (line.trim() === '') return;
    if (this.allowedCounts === undefined) {
      this.allowedCounts = parseHeader(line, lineNumber);
      this.headerLine = lineNumber;
      const most = Math.max(...this.allowedCounts);
      if (most > MAX_PAIRS) throw new Error(`pairs.txt line ${lineNumber}: header announces ${most} pairs, more than the ${MAX_PAIRS} this lab reads`);
      return;
    }
    if (this.pairs.length >= Math.max(...this.allowedCounts)) {
      throw new Error(`pairs.txt line ${lineNumber}: more pair lines than the ${this.allowedCounts.join(' or ')} the header on line ${this.headerLine} announces`);
    }
    const fields = splitFields(line);
    if (fields.length === 3) {
      const identity = parseName(fields[0], lineNumber, 'name');
      this.pairs.push({
        a: { identity, index: parseImageNumber(fields[1], lineNumber, 'first image number') },
        b: { identity, index: parseImageNumber(fields[2], lineNumber, 'second image number') },
        same: true,
      });
    } else if (fields.length === 4) {
      this.pairs.push({
        a: { identity: parseName(fields[0], lineNumber, 'first name'), index: parseImageNumber(fields[1], lineNumber, 'first image number') },
        b: { identity: parseName(fields[2], lineNumber, 'second name'), index: parseImageNumber(fields[3], lineNumber, 'second image number') },
        same: false,
      });
    } else {
      throw new Error(`pairs.txt line ${lineNumber}: expected 3 fields (name, n1, n2) or 4 fields (name1, n1, name2, n2) separated by tabs, got ${fields.length}`);
    }
  }
}

/**
 * Parses pairs.txt text. Blank lines are skipped; CRLF and a UTF-8 BOM are accepted. Throws an
 * Error naming the 1-based line number on a malformed header or line, and (on line 1) when the
 * number of pair lines does not match the header.
 */
export function parsePairsTxt(text: string): PairRef[] {
  const reader = new PairsTxtReader();
  reader.push(text);
  return reader.end();
}

/** parsePairsTxt on text that arrives in chunks (a file's stream), without holding the whole text. */
export function readPairsTxt(chunks: AsyncIterable<string> | Iterable<string>): Promise<PairRef[]> {
  return readChunks(chunks, new PairsTxtReader());
}

function checkName(name: string, where: string): string {
  if (name.trim() === '' || /[\t\r\n]/.test(name)) throw new Error(`pairs.txt: ${where} name ${JSON.stringify(name)} is empty or holds a tab or line break`);
  return name;
}

function checkIndex(index: number, where: string): number {
  if (!Number.isSafeInteger(index) || index < 1) throw new Error(`pairs.txt: ${where} image number ${index} is not a positive integer`);
  return index;
}

/**
 * Writes pairs in pairs.txt form (tab-separated, '\n' line ends, trailing newline), in the given
 * order. parsePairsTxt(formatPairsTxt(p)) deep-equals p. Throws if a name is empty or holds a tab or
 * line break, an image number is not a positive integer, a same pair names two identities, or
 * `folds` does not divide the pairs into equal halves per fold.
 */
export function formatPairsTxt(pairs: readonly PairRef[], options: PairsTxtFormatOptions = {}): string {
  let header = String(pairs.length);
  if (options.folds !== undefined) {
    const { folds } = options;
    if (!Number.isInteger(folds) || folds < 1 || pairs.length === 0 || pairs.length % (2 * folds) !== 0) {
      throw new Error(`pairs.txt: ${pairs.length} pairs cannot be written as ${folds} folds of equal same/different halves`);
    }
    header = `${folds}\t${pairs.length / (2 * folds)}`;
  }
  const lines = [header];
  pairs.forEach((pair, i) => {
    const where = `pair ${i + 1}`;
    const a = `${checkName(pair.a.identity, where)}\t${checkIndex(pair.a.index, where)}`;
    if (pair.same) {
      if (pair.a.identity !== pair.b.identity) throw new Error(`pairs.txt: ${where} is marked same but names '${pair.a.identity}' and '${pair.b.identity}'`);
      lines.push(`${a}\t${checkIndex(pair.b.index, where)}`);
    } else {
      lines.push(`${a}\t${checkName(pair.b.identity, where)}\t${checkIndex(pair.b.index, where)}`);
    }
  });
  return `${lines.join('\n')}\n`;
}
