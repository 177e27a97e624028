/** The shape checks of stored records: a listing is split into good and refused records, each refusal with its reason. */
import { describe, expect, it } from 'vitest';
import { checkRecords, isQuotaError, savedModelProblem } from '../../../src/core/storedRecords.ts';

const summary = { id: 'r@4', label: 'run', savedAt: '2026-01-01', runId: 'r', backbone: 'tiny', source: 'run', inputSize: 32, step: 4, bytes: 10, auc: null };

describe('stored record checks', () => {
  it('keeps whole saved-model summaries and refuses the rest with their key and reason', () => {
    const { good, refused } = checkRecords([1, 'b', 'c'], [summary, { ...summary, source: 'elsewhere' }, 'text'], savedModelProblem);
    expect(good).toEqual([summary]);
    expect(refused).toEqual([
      { key: 'b', reason: `its source "elsewhere" is neither 'run' nor 'imported'` },
      { key: 'c', reason: 'the record is not an object' },
    ]);
    expect(savedModelProblem({ ...summary, step: 1.5 })).toMatch(/not a whole number/);
  });

  it('recognises a quota error by its name only', () => {
    expect(isQuotaError({ name: 'QuotaExceededError' })).toBe(true);
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});
