/** useTraining against a fake worker: a new run starts from a clean slate. */
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/core/trainConfig.ts';
import type { BackendReport, DataSummary, InitOptions, RunResult, StepPoints, TrainEventHandler } from '../../../src/protocol/api.ts';
import { STEP_COLUMN_NAMES } from '../../../src/ui/runs/applyEvent.ts';
import type { LabWorkerHandle } from '../../../src/ui/worker/labBridge.ts';
import { useTraining } from '../../../src/ui/worker/useTraining.ts';

afterEach(cleanup);

const SUMMARY: DataSummary = { kind: 'builtin', trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 };

/** A worker's init as a run's start asks it (InitOptions.probe): pinned on cpu, as these fakes train. */
const init = async (): Promise<BackendReport> => ({ backend: 'cpu', attempts: [], tfjsVersion: 'test' });

/** A worker whose train() reports one finished run of 3 steps. */
function fakeWorker() {
  let runs = 0;
  const loadData = vi.fn(async (): Promise<DataSummary> => SUMMARY);
  const train = vi.fn(async (_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> => {
    const runId = `r-${++runs}`;
    onEvent({ type: 'done', runId, reason: 'completed', step: 3, seconds: 1 });
    return { runId, reason: 'completed', step: 3 };
  });
  const handle = { api: { init, loadData, train }, failed: new Promise<never>(() => undefined), terminate: () => undefined } as unknown as LabWorkerHandle;
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

  it("says 'pausing…' and 'stopping…' at the click, and 'paused' once the worker has parked the run", async () => {
    let finishRun = (_result: RunResult) => {};
    let parked = () => {};
    const train = vi.fn(async (_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> => {
      onEvent({ type: 'step', runId: 'r', points: stepPoints([0]) });
      return new Promise((resolve) => (finishRun = resolve));
    });
    const pause = vi.fn(() => new Promise<void>((resolve) => (parked = resolve)));
    const stop = vi.fn(async () => undefined);
    const handle = {
      api: { init, loadData: async () => SUMMARY, train, pause, stop },
      failed: new Promise<never>(() => undefined),
      terminate: () => undefined,
    } as unknown as LabWorkerHandle;
    const { result } = renderHook(() => useTraining(handle, 'cpu', () => undefined));
    let running: Promise<unknown> = Promise.resolve();
    await act(async () => {
      running = result.current.start({ config: DEFAULT_TRAIN_CONFIG, label: 'r', data: { kind: 'builtin' }, dataLabel: 'built-in' });
      await vi.waitFor(() => expect(train).toHaveBeenCalled());
    });
    expect(result.current.phase).toBe('training');
    act(() => result.current.pause());
    expect(result.current.phase).toBe('pausing');
    await act(async () => parked());
    expect(result.current.phase).toBe('paused');
    act(() => result.current.stop());
    expect(result.current.phase).toBe('stopping');
    await act(async () => {
      finishRun({ runId: 'r', reason: 'stopped', step: 1 });
      await running;
    });
    expect(result.current.phase).toBe('idle');
  });

  it('stores a run at each checkpoint with its time, so a reload finds it even when it evaluates only at the end', async () => {
    const saved: { step: number; seconds: number; status: string }[] = [];
    const train = vi.fn(async (_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> => {
      onEvent({ type: 'step', runId: 'r', points: stepPoints([0, 1, 2, 3, 4]) });
      onEvent({ type: 'checkpoint', runId: 'r', step: 5, bytes: 10, elapsed: 7.5 });
      onEvent({ type: 'done', runId: 'r', reason: 'completed', step: 5, seconds: 8 });
      return { runId: 'r', reason: 'completed', step: 5 };
    });
    const handle = { api: { init, loadData: async () => SUMMARY, train }, failed: new Promise<never>(() => undefined), terminate: () => undefined } as unknown as LabWorkerHandle;
    const { result } = renderHook(() => useTraining(handle, 'cpu', (run) => void saved.push({ step: run.step, seconds: run.seconds, status: run.status })));
    await act(async () => {
      await result.current.start({ config: DEFAULT_TRAIN_CONFIG, label: 'r', data: { kind: 'builtin' }, dataLabel: 'built-in' });
    });
    expect(saved).toEqual([
      { step: 5, seconds: 7.5, status: 'running' },
      { step: 5, seconds: 8, status: 'completed' },
    ]);
  });

  it('records the backend the worker chose for the run when it starts (auto mode measures it then), not the one it had before', async () => {
    const inits: (InitOptions | undefined)[] = [];
    const train = async (_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> => {
      onEvent({ type: 'done', runId: 'r-1', reason: 'completed', step: 3, seconds: 1 });
      return { runId: 'r-1', reason: 'completed', step: 3 };
    };
    const probed = async (options?: InitOptions): Promise<BackendReport> => {
      inits.push(options);
      return { backend: 'wasm', attempts: [], tfjsVersion: 'test', choice: 'measured' };
    };
    const handle = {
      api: { init: probed, loadData: async () => SUMMARY, train },
      failed: new Promise<never>(() => undefined),
      terminate: () => undefined,
    } as unknown as LabWorkerHandle;
    const { result } = renderHook(() => useTraining(handle, 'webgpu', () => undefined));
    await act(async () => {
      await result.current.start({ config: DEFAULT_TRAIN_CONFIG, label: 'run', data: { kind: 'builtin' }, dataLabel: 'built-in' });
    });
    expect(inits).toEqual([{ probe: { config: DEFAULT_TRAIN_CONFIG, numIdentities: SUMMARY.trainIdentities } }]);
    expect(result.current.run).toMatchObject({ status: 'completed', backend: 'wasm' });
  });
});

/** Step points with the given step numbers (other columns zero). */
function stepPoints(steps: number[]) {
  const columns = Object.fromEntries(STEP_COLUMN_NAMES.map((k) => [k, new Float32Array(steps.length)])) as unknown as StepPoints;
  columns.step.set(steps);
  return columns;
}
