import { describe, expect, it } from 'vitest';
import { formatPairsTxt, pairsTxtFolds, parsePairsTxt, type PairRef } from '../../../src/core/pairsTxt.ts';

const same = (identity: string, n1: number, n2: number): PairRef => ({ a: { identity, index: n1 }, b: { identity, index: n2 }, same: true });
const diff = (x: string, n1: number, y: string, n2: number): PairRef => ({ a: { identity: x, index: n1 }, b: { identity: y, index: n2 }, same: false });

describe('parsePairsTxt', () => {
  it('reads LFW lines: 3 fields same, 4 fields different, folds header', () => {
    const text = '1\t1\nAbel_Pacheco\t1\t4\nAbdel_Madi_Shabneh\t1\tDean_Barker\t1\n';
    expect(parsePairsTxt(text)).toEqual([same('Abel_Pacheco', 1, 4), diff('Abdel_Madi_Shabneh', 1, 'Dean_Barker', 1)]);
  });

  it('falls back to whitespace splitting on lines without tabs, and accepts CRLF and blank lines', () => {
    const text = '2 \r\nAbel_Pacheco   1 4\r\n\r\nAbdel_Madi_Shabneh 1 Dean_Barker 13\r\n';
    expect(parsePairsTxt(text)).toEqual([same('Abel_Pacheco', 1, 4), diff('Abdel_Madi_Shabneh', 1, 'Dean_Barker', 13)]);
  });

  it("accepts a count header meaning N per class (LFW's pairsDevTrain.txt) or N in total", () => {
    expect(parsePairsTxt('1\na\t1\t2\nb\t1\tc\t1\n')).toHaveLength(2);
    expect(parsePairsTxt('2\na\t1\t2\nb\t1\tc\t1\n')).toHaveLength(2);
  });

  it('names the line and the problem of malformed input', () => {
    expect(() => parsePairsTxt('')).toThrow(/line 1: missing header/);
    expect(() => parsePairsTxt('ten\na\t1\t2\n')).toThrow(/line 1: header/);
    expect(() => parsePairsTxt('3\na\t1\t2\nb\t1\tc\nd\t1\t2\n')).toThrow(/line 3: second image number 'c'/);
    expect(() => parsePairsTxt('2\na\t1\t2\n\nb\t1\tc\t1\textra\n')).toThrow(/line 4: expected 3 fields .* got 5/);
    expect(() => parsePairsTxt('2\na\t0\t2\nb\t1\tc\t1\n')).toThrow(/line 2: first image number '0'/);
    expect(() => parsePairsTxt('2\n\t1\t2\nb\t1\tc\t1\n')).toThrow(/line 2: name is empty/);
    expect(() => parsePairsTxt('2\na\t1\t2\nb\t1\t\t1\n')).toThrow(/line 3: second name is empty/);
    expect(() => parsePairsTxt('10\t300\na\t1\t2\n')).toThrow(/line 1: header announces 6000 pairs but the file has 1/);
    expect(() => parsePairsTxt('5\na\t1\t2\n')).toThrow(/line 1: header announces 5 or 10 pairs/);
  });
});

describe('formatPairsTxt', () => {
  const unicode: PairRef[] = [
    same('山田 太郎', 1, 12),
    diff('Zoë Saldaña', 3, '😀 emoji person', 1),
    same('😀 emoji person', 2, 3),
    diff('José María Aznar', 10, 'Jose_Maria_Aznar', 2),
  ];

  it('writes tab-separated lines with a count header, and parses back exactly', () => {
    const text = formatPairsTxt(unicode);
    expect(text).toBe('4\n山田 太郎\t1\t12\nZoë Saldaña\t3\t😀 emoji person\t1\n😀 emoji person\t2\t3\nJosé María Aznar\t10\tJose_Maria_Aznar\t2\n');
    expect(parsePairsTxt(text)).toEqual(unicode);
    expect(formatPairsTxt(parsePairsTxt(text))).toBe(text);
  });

  it('writes an LFW folds header when asked', () => {
    const text = formatPairsTxt(unicode, { folds: 2 });
    expect(text.split('\n')[0]).toBe('2\t1');
    expect(parsePairsTxt(text)).toEqual(unicode);
    expect(() => formatPairsTxt(unicode, { folds: 3 })).toThrow(/cannot be written as 3 folds/);
  });

  it('refuses names and numbers that would not read back', () => {
    expect(() => formatPairsTxt([same('a\tb', 1, 2)])).toThrow(/tab or line break/);
    expect(() => formatPairsTxt([same('a', 0, 2)])).toThrow(/image number 0/);
    expect(() => formatPairsTxt([{ ...same('a', 1, 2), b: { identity: 'b', index: 2 } }])).toThrow(/marked same but names 'a' and 'b'/);
  });
});

describe('pairsTxtFolds', () => {
  it('reads the folds of an LFW header, with a BOM, tabs or spaces, and nothing from a count header', () => {
    expect(pairsTxtFolds('10\t300\nA\t1\t2\n')).toBe(10);
    expect(pairsTxtFolds('\uFEFF2 1\r\nA 1 2\r\n')).toBe(2);
    expect(pairsTxtFolds('600\nA\t1\t2\n')).toBeUndefined();
    expect(pairsTxtFolds('ten\t300\n')).toBeUndefined();
  });
});
