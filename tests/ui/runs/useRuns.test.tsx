/**
 * useRuns on fake-indexeddb: runs get numbers as they are first stored, a rename is stored with the run
 * and survives the live run's later saves, a run is ticked for the plots once (when it has something to plot), and
 * after a reload only runs with steps and an evaluation come back ticked.
 */
import 'fake-indexeddb/auto';
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openRunsStore, type RunsStore } from '../../../src/ui/runs/runsStore.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import { numberLoadedRuns, useRuns } from '../../../src/ui/runs/useRuns.ts';
import { makeRun } from '../fixtures.ts';

let store: RunsStore;

beforeEach(async () => {
  store = await openRunsStore();
  await store.clear();
});
afterEach(() => {
  cleanup();
  store.close();
});

/** The hook, once it has read the (possibly empty) store. */
async function renderRuns() {
  const hook = renderHook(() => useRuns());
  // The load is one list() call: once a put through the page's own connection lands, the list has been read too.
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  return hook;
}

const stored = async (id: string) => (await store.list()).find((r) => r.id === id);

describe('useRuns', () => {
  it("numbers runs as they are first stored, and stores a rename that the live run's later saves keep", async () => {
    const { result } = await renderRuns();
    act(() => result.current.saveRun(makeRun('a', { auc: 0.8 })));
    act(() => result.current.saveRun(makeRun('b', { auc: 0.8 })));
    expect(result.current.runs.map((r) => [r.id, r.number])).toEqual([
      ['b', 2],
      ['a', 1],
    ]);

    act(() => result.current.renameRun('a', '  baseline  '));
    expect(result.current.runs.find((r) => r.id === 'a')?.name).toBe('baseline');
    await vi.waitFor(async () => expect(await stored('a')).toMatchObject({ name: 'baseline', number: 1 }));

    // The training's record knows nothing of the name: saving it must not undo the rename.
    act(() => result.current.saveRun({ ...makeRun('a', { auc: 0.9, steps: 8 }) }));
    expect(result.current.runs.find((r) => r.id === 'a')).toMatchObject({ name: 'baseline', number: 1, step: 8 });
    await vi.waitFor(async () => expect(await stored('a')).toMatchObject({ name: 'baseline', number: 1, step: 8 }));

    // A blank name goes back to the generated label.
    act(() => result.current.renameRun('a', ' '));
    await vi.waitFor(async () => expect(await stored('a')).not.toHaveProperty('name'));
  });

  it('ticks a run once, when first saved with something to plot; a box the user cleared stays clear', async () => {
    const { result } = await renderRuns();
    // Saved at a warning before its first step or evaluation: nothing to plot yet.
    act(() => result.current.saveRun(makeRun('r', { steps: 0 })));
    expect(result.current.selected.has('r')).toBe(false);
    act(() => result.current.saveRun(makeRun('r', { steps: 4, auc: 0.8 })));
    expect(result.current.selected.has('r')).toBe(true);
    act(() => result.current.setSelected(new Set()));
    act(() => result.current.saveRun(makeRun('r', { steps: 6, auc: 0.85 })));
    expect(result.current.selected.has('r')).toBe(false);
  });

  it('after a reload, ticks only the newest runs with steps and an evaluation, and numbers the old runs', async () => {
    const at = (run: RunRecord, startedAt: string, patch: Partial<RunRecord> = {}) => ({ ...run, startedAt, ...patch });
    await store.put(at(makeRun('good-old', { auc: 0.8 }), '2026-11-29T09:00:00.000Z'));
    await store.put(at(makeRun('no-eval', { steps: 5 }), '2026-11-29T10:00:00.000Z', { status: 'stopped' }));
    await store.put(at(makeRun('failed', { steps: 0 }), '2026-11-29T11:00:00.000Z', { status: 'error', message: 'GPU device lost' }));
    await store.put(at(makeRun('good-new', { auc: 0.9 }), '2026-11-29T12:00:00.000Z'));
    const { result } = await renderRuns();
    await vi.waitFor(() => expect(result.current.runs).toHaveLength(4));
    expect([...result.current.selected].sort()).toEqual(['good-new', 'good-old']);
    expect(result.current.runs.map((r) => [r.id, r.number])).toEqual([
      ['good-new', 4],
      ['failed', 3],
      ['no-eval', 2],
      ['good-old', 1],
    ]);
    await vi.waitFor(async () => expect((await store.list()).map((r) => r.number)).toEqual([4, 3, 2, 1]));
  });

  it('numbers loaded runs after the highest number, oldest first', () => {
    const runs = [makeRun('new'), { ...makeRun('mid'), number: 7 }, makeRun('old')].map((r, i) => ({ ...r, startedAt: `2026-11-2${9 - i}T00:00:00.000Z` }));
    const { runs: numbered, numbered: changed, last } = numberLoadedRuns(runs, 3);
    expect(numbered.map((r) => r.number)).toEqual([9, 7, 8]);
    expect(changed.map((r) => r.id)).toEqual(['old', 'new']);
    expect(last).toBe(9);
  });

  it('gives the newer of two runs that share a number (trained in two tabs) the next free one', () => {
    const runs = [
      { ...makeRun('tab-b'), number: 1 },
      { ...makeRun('tab-a'), number: 1 },
    ].map((r, i) => ({ ...r, startedAt: `2026-11-2${9 - i}T00:00:00.000Z` }));
    const { runs: numbered, numbered: changed, last } = numberLoadedRuns(runs, 0);
    expect(numbered.map((r) => [r.id, r.number])).toEqual([
      ['tab-b', 2],
      ['tab-a', 1],
    ]);
    expect(changed.map((r) => r.id)).toEqual(['tab-b']);
    expect(last).toBe(2);
  });
});
