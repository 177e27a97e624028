/**
 * Lines of text that arrives in chunks (a file read as a stream), so a large pairs.txt or scores CSV is parsed line
 * by line without its whole text in memory. A line end split across two chunks ("\r" | "\n") is joined; a leading
 * UTF-8 byte-order mark is dropped; a line longer than `maxLine` is an error as soon as it is seen, so a file
 * without line breaks cannot grow one string without bound.
 */

/** Longest line the readers accept, characters (a pairs.txt or scores line is well under 1 KB). */
export const MAX_LINE_LENGTH = 64 * 1024;

/** Splits chunks into lines (without their `\n` / `\r\n` ends), numbering them from 1. */
export class LineSplitter {
  private rest = '';
  private started = false;
  /** Lines returned so far. */
  lines = 0;

  /** `tooLong(lineNumber)` makes the error for a line over `maxLine` characters. */
  constructor(
    private readonly tooLong: (lineNumber: number) => Error,
    private readonly maxLine = MAX_LINE_LENGTH,
  ) {}

  /** The complete lines `chunk` ends (the text after its last line end is kept for the next chunk). */
  push(chunk: string): string[] {
    let text = this.rest + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      text = text.replace(/^\uFEFF/, '');
    }
    const lines = text.split(/\r?\n/);
    this.rest = lines.pop() ?? '';
    // A "\r" at a chunk's end may be half of "\r\n": it stays with the rest until the next chunk says.
    for (const line of lines) if (line.length > this.maxLine) throw this.tooLong(this.lines + 1 + lines.indexOf(line));
    if (this.rest.length > this.maxLine) throw this.tooLong(this.lines + lines.length + 1);
    this.lines += lines.length;
    return lines;
  }

  /** The last line (possibly empty: text that ends with a line end has an empty last line, as `split` gives). */
  end(): string[] {
    const last = this.rest;
    this.rest = '';
    this.lines += 1;
    return [last];
  }
}

/** Feeds `chunks` through `reader` and returns what its `end()` gives. */
export async function readChunks<T>(chunks: AsyncIterable<string> | Iterable<string>, reader: { push(chunk: string): void; end(): T }): Promise<T> {
  for await (const chunk of chunks) reader.push(chunk);
  return reader.end();
}
