/** Run ids (workers/labApi.ts newRunId): two tabs or sweep workers starting runs of one seed at once get two ids. */
import { describe, expect, it, vi } from 'vitest';
import { newRunId } from '../../workers/labApi.ts';

describe('newRunId', () => {
  it('differs for runs of one seed started in the same millisecond', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(1)));
    vi.restoreAllMocks();
    expect(ids.size).toBe(50);
    expect([...ids][0]).toMatch(/^run-1-[0-9a-z]+-[0-9a-f]{8}$/);
  });
});
