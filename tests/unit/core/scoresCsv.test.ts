import { describe, expect, it } from 'vitest';
import { parseScoresCsv, ScoresCsvError } from '../../../src/core/scoresCsv.ts';

function errorOf(text: string): ScoresCsvError {
  try {
    parseScoresCsv(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ScoresCsvError);
    return err as ScoresCsvError;
  }
  throw new Error('expected a ScoresCsvError');
}

describe('parseScoresCsv', () => {
  it('reads labels and scores in order', () => {
    const { labels, scores } = parseScoresCsv('label,score\n1,0.83\n0,-0.12\n1,1e-3\n');
    expect(labels).toEqual(Uint8Array.from([1, 0, 1]));
    expect(scores).toEqual(Float64Array.from([0.83, -0.12, 0.001]));
  });

  it('tolerates a BOM, CRLF, spaces around fields and trailing blank lines', () => {
    const { labels, scores } = parseScoresCsv('\uFEFF label , score \r\n 1 , 0.5 \r\n0,.25\r\n\r\n  \n');
    expect([...labels]).toEqual([1, 0]);
    expect([...scores]).toEqual([0.5, 0.25]);
  });

  it('names the line of every problem', () => {
    const cases: [string, number, RegExp][] = [
      ['', 1, /missing header/],
      ['score,label\n1,0.5\n', 1, /header must be 'label,score'/],
      ['1,0.5\n0,0.2\n', 1, /header must be 'label,score'/],
      ['label,score\n', 2, /no data rows/],
      ['label,score\n1,0.5\n0,abc\n', 3, /score 'abc' is not a finite number/],
      ['label,score\n1,0.5\n0,NaN\n', 3, /score 'NaN'/],
      ['label,score\n1,0.5\n0,\n', 3, /score ''/],
      ['label,score\n1,0.5\n2,0.1\n', 3, /label must be 0 or 1, got '2'/],
      ['label,score\n1,0.5\n0,0.1,7\n0,0.2\n', 3, /expected 2 fields/],
      ['label,score\n1,0.5\n0.1\n', 3, /expected 2 fields .* got 1/],
      ['label,score\n1,0.5\n\n0,0.2\n', 3, /blank line/],
      ['label,score\n1,0.5\n1,0.2\n', 3, /only label 1 .*no label 0/],
      ['label,score\n0,0.5\n0,0.2\n0,0.1\n', 4, /only label 0 .*no label 1/],
    ];
    for (const [text, line, message] of cases) {
      const err = errorOf(text);
      expect(err.line, text).toBe(line);
      expect(err.message, text).toMatch(new RegExp(`^line ${line}: `));
      expect(err.message, text).toMatch(message);
    }
  });
});
