/**
 * useLabWorker and the backend choice: in auto mode the page asks the worker to time the backends on a run's model
 * before the run starts and shows the backend it switched to; a forced backend (kept in localStorage) pins the worker.
 */
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/core/trainConfig.ts';
import type { BackendReport, DataSummary, InitOptions, RunResult, TrainEventHandler } from '../../../src/protocol/api.ts';

const fake = { inits: [] as (InitOptions | undefined)[], order: [] as string[], refuse: false };

const FIRST: BackendReport = { backend: 'webgpu', attempts: [{ backend: 'webgpu', ok: true }], tfjsVersion: 'test' };
const MEASURED: BackendReport = {
  backend: 'wasm',
  attempts: [{ backend: 'wasm', ok: true }],
  tfjsVersion: 'test',
  choice: 'measured',
  probes: [
    { backend: 'wasm', imgPerSec: 238, batch: 32, steps: 3 },
    { backend: 'webgpu', imgPerSec: 7.4, batch: 2, steps: 1 },
  ],
};
const SUMMARY: DataSummary = { kind: 'builtin', trainIdentities: 100, trainImages: 2000, testIdentities: 10, testImages: 40 };

vi.mock('../../../src/ui/worker/labBridge.ts', () => ({
  startLabWorker: () => ({
    api: {
      init: async (options?: InitOptions) => {
        fake.inits.push(options);
        if (fake.refuse && !options?.current) throw new Error('a run is training: change the backend when it has ended');
        fake.order.push(options?.probe ? 'probe' : 'init');
        if (options?.preferred) return { ...FIRST, backend: options.preferred[0], choice: 'forced' };
        return options?.probe || options?.current ? MEASURED : FIRST;
      },
      loadData: async () => SUMMARY,
      train: async (_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> => {
        fake.order.push('train');
        onEvent({ type: 'done', runId: 'r1', reason: 'completed', step: 1, seconds: 1 });
        return { runId: 'r1', reason: 'completed', step: 1 };
      },
      resumeRun: async (runId: string, onEvent: TrainEventHandler): Promise<RunResult> => {
        fake.order.push('resume');
        onEvent({ type: 'done', runId, reason: 'completed', step: 2, seconds: 1 });
        return { runId, reason: 'completed', step: 2 };
      },
    },
    failed: new Promise<never>(() => undefined),
    terminate: () => undefined,
  }),
}));

const { useLabWorker, BACKEND_CHOICE_KEY } = await import('../../../src/ui/worker/useLabWorker.ts');

beforeEach(() => {
  Object.assign(fake, { inits: [], order: [], refuse: false });
  localStorage.clear();
});
afterEach(cleanup);

async function startedHook() {
  const hook = renderHook(() => useLabWorker());
  await vi.waitFor(() => expect(hook.result.current.phase).toBe('ready'));
  return hook;
}

describe('useLabWorker and the backend choice', () => {
  it('in auto mode, reports the backend a resumed run switched to (its probe runs in the worker) at its first event', async () => {
    const { result } = await startedHook();
    expect(fake.inits).toEqual([undefined]);
    expect(result.current.choice).toBe('auto');
    const state = result.current;
    if (state.phase !== 'ready') throw new Error('not ready');
    await act(async () => {
      await state.worker.api.resumeRun('r1', () => undefined);
    });
    expect(fake.order).toEqual(['init', 'resume', 'init']); // the last: the report asked for at the run's first event
    expect(fake.inits[1]).toEqual({ current: true });
    const after = result.current;
    expect(after.phase === 'ready' && after.backend).toEqual(MEASURED);
  });

  it('forces the backend the user chose (no probe), remembers it, and starts the next page on it', async () => {
    const { result, unmount } = await startedHook();
    act(() => result.current.setChoice('webgpu'));
    expect(localStorage.getItem(BACKEND_CHOICE_KEY)).toBe('webgpu');
    await vi.waitFor(() => expect(result.current.phase === 'ready' && result.current.backend.choice).toBe('forced'));
    expect(fake.inits[1]).toEqual({ preferred: ['webgpu', 'webgl', 'wasm', 'cpu'] });
    const state = result.current;
    if (state.phase !== 'ready') throw new Error('not ready');
    await act(async () => {
      await state.worker.api.loadData({ kind: 'builtin' });
      await state.worker.api.train(DEFAULT_TRAIN_CONFIG, () => undefined);
    });
    expect(fake.order.filter((o) => o === 'probe')).toEqual([]);
    unmount();

    Object.assign(fake, { inits: [], order: [] });
    const next = await startedHook();
    expect(next.result.current.choice).toBe('webgpu');
    expect(fake.inits).toEqual([{ preferred: ['webgpu', 'webgl', 'wasm', 'cpu'] }]);
  });

  it('keeps the choice the worker still runs on when it refuses a change (a run is training), and says why', async () => {
    const { result } = await startedHook();
    fake.refuse = true;
    act(() => result.current.setChoice('webgl'));
    await vi.waitFor(() => expect(result.current.phase === 'ready' && result.current.choiceError).toMatch(/a run is training/));
    expect(result.current.choice).toBe('auto');
    expect(localStorage.getItem(BACKEND_CHOICE_KEY)).toBe('auto');
  });

  it('shows the backend chosen by a probe asked for through init (as a run’s start may ask for it)', async () => {
    const { result } = await startedHook();
    const state = result.current;
    if (state.phase !== 'ready') throw new Error('not ready');
    await act(async () => {
      await state.worker.api.init({ probe: { config: DEFAULT_TRAIN_CONFIG, numIdentities: 100 } });
    });
    const after = result.current;
    expect(after.phase === 'ready' && after.backend).toEqual(MEASURED);
  });
});
