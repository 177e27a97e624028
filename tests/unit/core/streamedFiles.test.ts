/**
 * Large pairs.txt and scores CSV files stream: chunked reading gives exactly what reading the whole text
 * gives, wherever the chunks split (inside a "\r\n" too); a file far larger than anything held in memory is read
 * line by line; a pairs.txt with more lines than its header announces stops at the first line too many (an endless
 * stream ends); and a file without line breaks is refused at its first over-long line.
 */
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_LENGTH } from '../../../src/core/lineSplitter.ts';
import { MAX_PAIRS, parsePairsTxt, readPairsTxt } from '../../../src/core/pairsTxt.ts';
import { parseScoresCsv, readScoresCsv } from '../../../src/core/scoresCsv.ts';
import { createRng } from '../../../src/core/prng.ts';

/** `text` cut into chunks of random lengths 1–max (seeded). */
function* chunked(text: string, seed: string, max = 7): Generator<string> {
  const rng = createRng(seed);
  for (let i = 0; i < text.length;) {
    const n = 1 + rng.int(max);
    yield text.slice(i, i + n);
    i += n;
  }
}

const PAIRS = '\uFEFF2\t1\r\nAnna Lee\t1\t2\r\n\r\nBob\t3\tCleo\t1\r\nDan\t1\t4\r\nEve\t2\tFay\t2\r\n';

describe('streamed pairs.txt', () => {
  it('gives what the whole text gives, wherever the chunks split', async () => {
    const whole = parsePairsTxt(PAIRS);
    expect(whole).toHaveLength(4);
    for (const seed of ['a', 'b', 'c', 'd']) expect(await readPairsTxt(chunked(PAIRS, seed))).toEqual(whole);
    expect(await readPairsTxt([...PAIRS])).toEqual(whole); // one character at a time
    const bad = PAIRS.replace('Cleo\t1', 'Cleo\tx');
    expect(() => parsePairsTxt(bad)).toThrow(/^pairs\.txt line 4: second image number 'x' is not a positive integer$/);
    await expect(readPairsTxt(chunked(bad, 'e'))).rejects.toThrow(/^pairs\.txt line 4: second image number 'x' is not a positive integer$/);
  });

  it('reads a 300,000-pair file from an async stream of chunks', async () => {
    const n = 150_000;
    async function* lines() {
      yield `${2 * n}\n`;
      for (let i = 0; i < n; i++) yield `person ${i}\t1\t2\nperson ${i}\t3\tother ${i}\t1\n`;
    }
    const pairs = await readPairsTxt(lines());
    expect(pairs).toHaveLength(2 * n);
    expect(pairs.at(-1)).toEqual({ a: { identity: `person ${n - 1}`, index: 3 }, b: { identity: `other ${n - 1}`, index: 1 }, same: false });
  });

  it('stops an endless file at the first line past the header count, and refuses absurd headers', async () => {
    function* endless() {
      yield '3\n';
      for (;;) yield 'a\t1\t2\n';
    }
    // A single count N allows N or 2N pair lines (both readings of LFW-style headers): line 8 is the 7th pair.
    await expect(readPairsTxt(endless())).rejects.toThrow(/^pairs\.txt line 8: more pair lines than the 3 or 6 the header on line 1 announces$/);
    await expect(readPairsTxt(['10\t', '100000000\n', 'a\t1\t2\n'])).rejects.toThrow(
      `pairs.txt line 1: header announces 2000000000 pairs, more than the ${MAX_PAIRS} this lab reads`,
    );
  });

  it('refuses a line longer than the limit as soon as it is seen, even an endless one', async () => {
    function* noBreaks() {
      yield '2\nname\t1\t';
      for (;;) yield '9'.repeat(4096);
    }
    await expect(readPairsTxt(noBreaks())).rejects.toThrow(`pairs.txt line 2: longer than ${MAX_LINE_LENGTH} characters`);
  });
});

describe('streamed scores CSV', () => {
  const CSV = '\uFEFFlabel,score\r\n1, 0.83\r\n0,0.12\r\n1,.5e0\r\n\r\n\r\n';

  it('gives what the whole text gives, wherever the chunks split, errors included', async () => {
    const whole = parseScoresCsv(CSV);
    for (const seed of ['a', 'b', 'c']) expect(await readScoresCsv(chunked(CSV, seed, 5))).toEqual(whole);
    for (const bad of ['label,score\n1,0.5\n\n0,0.1\n', 'label,score\n1,0.5\n1,0.2\n\n', '\nlabel,score\n1,1\n0,0\n', '\n\n', 'label,score\n\n', 'label;score\n1,1\n']) {
      let expected = '';
      try {
        parseScoresCsv(bad);
      } catch (err) {
        expected = (err as Error).message;
      }
      expect(expected, bad).not.toBe('');
      await expect(readScoresCsv(chunked(bad, 'x', 3)), bad).rejects.toThrow(expected);
    }
  });

  it('reads 2,000,000 rows from an async stream into typed arrays', async () => {
    const rows = 2_000_000;
    async function* csv() {
      yield 'label,score\n';
      const batch: string[] = [];
      for (let i = 0; i < rows; i++) {
        batch.push(`${i % 2},${(i % 1000) / 1000}`);
        if (batch.length === 10_000) yield `${batch.splice(0).join('\n')}\n`;
      }
    }
    const table = await readScoresCsv(csv());
    expect(table.labels.length).toBe(rows);
    expect(table.scores[rows - 1]).toBe(0.999);
    expect(table.labels.reduce((a, b) => a + b, 0)).toBe(rows / 2);
  });
});

describe('LineSplitter', () => {
  it('joins a CRLF split across chunks and numbers lines from 1', () => {
    const splitter = new LineSplitter((n) => new Error(`line ${n}`), 5);
    expect(splitter.push('ab\r')).toEqual([]);
    expect(splitter.push('\ncd\nef')).toEqual(['ab', 'cd']);
    expect(splitter.end()).toEqual(['ef']);
    expect(splitter.lines).toBe(3);
    expect(() => new LineSplitter((n) => new Error(`line ${n}`), 5).push('abc\n123456')).toThrow('line 2');
  });
});
