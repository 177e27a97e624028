/**
 * Refused records reach the user: a corrupt or foreign run record is skipped by the runs store with its
 * reason while the rest of the runs load; the page names it, and the worker's refused checkpoints and saved models,
 * in the Runs panel; a full disk on a run save says so in the Runs panel.
 */
import 'fake-indexeddb/auto';
import { act, cleanup, render, renderHook, screen, within } from '@testing-library/react';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RefusedStoredRecord } from '../../../src/protocol/api.ts';
import { runRecordProblem } from '../../../src/ui/runs/runRecordCheck.ts';
import { openRunsStore, RUNS_DB_NAME } from '../../../src/ui/runs/runsStore.ts';
import { useRuns } from '../../../src/ui/runs/useRuns.ts';
import { makeRun } from '../fixtures.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

const refusedByWorker = vi.hoisted((): { list: RefusedStoredRecord[] } => ({ list: [] }));
vi.mock('../../../src/ui/worker/labBridge.ts', async () => {
  const { fakeLabBridge } = await import('../fakeLabWorker.ts');
  return fakeLabBridge({ listRefusedRecords: async () => refusedByWorker.list });
});

const { App } = await import('../../../src/ui/App.tsx');
const { openOn } = await import('../views.ts');

/** Writes records into the runs store as they are, past the store's own put (as a crash, another app or DevTools would). */
async function writeRaw(...records: object[]) {
  const db = await openDB(RUNS_DB_NAME, 1, { upgrade: (d) => void d.createObjectStore('runs', { keyPath: 'id' }) });
  for (const record of records) await db.put('runs', record);
  db.close();
}

const good = makeRun('good-run', { auc: 0.8, label: 'Good run' });
const { history: _history, ...noHistory } = makeRun('no-history');
const CORRUPT = [
  { id: 'foreign', hello: 'from another app' },
  { ...noHistory },
  { ...makeRun('short-column'), history: { ...good.history, loss: new Float32Array(1) } },
  { ...makeRun('bad-config'), config: { steps: 10 } },
];

beforeEach(async () => {
  const store = await openRunsStore();
  await store.clear();
  store.close();
  refusedByWorker.list = [];
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('refused run records', () => {
  it('the pure check names what is wrong, and passes a whole run', () => {
    expect(runRecordProblem(good)).toBeUndefined();
    expect(runRecordProblem(CORRUPT[0])).toBe('its label is not text');
    expect(runRecordProblem(CORRUPT[1])).toBe('it has no step history');
    expect(runRecordProblem(CORRUPT[2])).toBe("its step history's 'loss' column holds 1 points, not 4");
    expect(runRecordProblem(CORRUPT[3])).toMatch(/config lacks the model, loss, optimiser/);
    expect(runRecordProblem({ ...good, status: 'exploded' })).toMatch(/status "exploded"/);
  });

  it('the runs store skips corrupt records with their reasons and lists the rest', async () => {
    await writeRaw(good, ...CORRUPT);
    const store = await openRunsStore();
    const { runs, refused } = await store.listChecked();
    expect(runs.map((r) => r.id)).toEqual(['good-run']);
    expect(refused.map((r) => r.key).sort()).toEqual(['bad-config', 'foreign', 'no-history', 'short-column']);
    expect((await store.list()).map((r) => r.id)).toEqual(['good-run']);
    store.close();
  });

  it('the page loads the good runs and names every refused run, checkpoint and saved model in the Runs panel', async () => {
    await writeRaw(good, CORRUPT[0], CORRUPT[2]);
    refusedByWorker.list = [
      { store: 'checkpoint', key: 'run-7', reason: 'model tensor 2 holds 8 bytes, its shape [3, 3] needs 36' },
      { store: 'saved model', key: 'm-1', reason: 'its label is not text' },
    ];
    openOn('compare');
    render(<App />);
    const panel = screen.getByRole('region', { name: 'Runs' });
    const notice = await within(panel).findByRole('alert', { name: 'Refused records' });
    await vi.waitFor(() => expect(within(notice).getAllByRole('listitem')).toHaveLength(4));
    expect(
      within(notice)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      "The run 'foreign' was refused: its label is not text.",
      "The run 'short-column' was refused: its step history's 'loss' column holds 1 points, not 4.",
      "The checkpoint of run 'run-7' was refused: model tensor 2 holds 8 bytes, its shape [3, 3] needs 36.",
      "The saved model 'm-1' was refused: its label is not text.",
    ]);
    // The rest of the runs table still loads.
    const table = within(panel).getByRole('table');
    await vi.waitFor(() => expect(within(table).getAllByRole('checkbox')).toHaveLength(1));
    expect(table.querySelector('[data-run-id="good-run"]')).not.toBeNull();
  });

  it('shows no notice when nothing was refused', async () => {
    await writeRaw(good);
    openOn('compare');
    render(<App />);
    const table = within(screen.getByRole('region', { name: 'Runs' })).getByRole('table');
    await vi.waitFor(() => expect(within(table).getAllByRole('checkbox')).toHaveLength(1));
    expect(screen.queryByRole('alert', { name: 'Refused records' })).toBeNull();
  });

  it('a full disk on a run save gives the clear storage-full message', async () => {
    const { result } = renderHook(() => useRuns());
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await act(async () => {
      result.current.saveRun(makeRun('full', { auc: 0.7 }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(result.current.storageProblem).toBe("The browser's storage is full, so the run could not be saved: delete old runs to make room.");
    // The run still shows until the page closes.
    expect(result.current.runs.map((r) => r.id)).toEqual(['full']);
  });
});
