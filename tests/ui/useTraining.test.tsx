/** useTraining against a fake worker: a new run starts from a clean slate (issue 16, item 7). */
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../src/core/trainConfig.ts';
import type { DataSummary, RunResult, TrainEventHandler } from '../../src/protocol/api.ts';
import type { LabWorkerHandle } from '../../src/ui/worker/labBridge.ts';
import { useTraining } from '../../src/ui/worker/useTraining.ts';

afterEach(cleanup);

const SUMMARY: DataSummary = { kind: 'builtin', trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 };

/** A worker whose train() reports one finished run of 3 steps. */
function fakeWorker() {
  let runs = 0;
  const loadData = vi.fn(async (): Promise<DataSummary> => SUMMARY);
  const train = vi.fn(async (_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> => {
    const runId = `r-${++runs}`;
    onEvent({ type: 'done', runId, reason: 'completed', step: 3, seconds: 1 });
    return { runId, reason: 'completed', step: 3 };
  });
  const handle = { api: { loadData, train }, failed: new Promise<never>(() => undefined), terminate: () => undefined } as unknown as LabWorkerHandle;
  return { handle, loadData };
}

describe('useTraining', () => {
  it("drops the last run's record the moment the next run starts: its progress is not the new run's", async () => {
    const { handle, loadData } = fakeWorker();
    const { result } = renderHook(() => useTraining(handle, 'cpu', () => undefined));
    const request = { config: DEFAULT_TRAIN_CONFIG, label: 'first', data: { kind: 'builtin' as const }, dataLabel: 'built-in' };
    await act(async () => {
      await result.current.start(request);
    });
    expect(result.current.run).toMatchObject({ label: 'first', step: 3, status: 'completed' });

    // The next run waits for its data: no event of it has come yet.
    let release = () => {};
    loadData.mockImplementationOnce(() => new Promise((resolve) => (release = () => resolve(SUMMARY))));
    let second: Promise<unknown> = Promise.resolve();
    act(() => {
      second = result.current.start({ ...request, label: 'second' });
    });
    expect(result.current.phase).toBe('preparing');
    expect(result.current.run).toBeUndefined();

    await act(async () => {
      release();
      await second;
    });
    expect(result.current.run).toMatchObject({ label: 'second', status: 'completed' });
  });
});
