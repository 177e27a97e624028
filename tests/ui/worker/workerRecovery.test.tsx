/**
 * The worker dies mid-run: the page starts a new worker, says so, and resumes the run from its last
 * checkpoint; the steps after that checkpoint are trained again, so the loss curve goes on without a hole.
 */
import { act, cleanup, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/core/trainConfig.ts';
import type { CheckpointSummary, DataSummary, RunResult, StepPoints, TrainEventHandler } from '../../../src/protocol/api.ts';
import { STEP_COLUMN_NAMES } from '../../../src/ui/runs/applyEvent.ts';
import type { TrainingWorker } from '../../../src/ui/worker/useTraining.ts';
import { fakeLabBridge } from '../fakeLabWorker.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

const SUMMARY: DataSummary = { kind: 'builtin', trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 };
const STEPS = 10;
/** The first worker stores a checkpoint after this many steps, trains two more, and dies. */
const CHECKPOINT_AT = 4;
const DIES_AT = 6;

function stepPoints(steps: number[]): StepPoints {
  const points = Object.fromEntries(STEP_COLUMN_NAMES.map((k) => [k, new Float32Array(steps.length)])) as unknown as StepPoints;
  steps.forEach((s, i) => {
    points.step[i] = s;
    points.loss[i] = 5 - s / 4;
  });
  return points;
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Fake workers, numbered as started: the first dies mid-run after a checkpoint; later ones resume the run. */
const workers = vi.hoisted(() => ({ started: 0, checkpoints: [] as CheckpointSummary[], resumed: [] as string[], lostCheckpoint: false }));

/** One fake worker: `number` 1 trains and dies at DIES_AT; the others list its checkpoint and resume it to the end. */
function fakeWorker(number: number): TrainingWorker {
  let die: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (die = reject));
  failed.catch(() => undefined);
  // The methods the run needs; the rest of the page's calls answer "nothing here".
  const { api } = fakeLabBridge({
    loadData: async () => SUMMARY,
    listCheckpoints: async () => (workers.lostCheckpoint ? [] : workers.checkpoints),
    async train(_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> {
      onEvent({ type: 'step', runId: 'r1', points: stepPoints(range(0, CHECKPOINT_AT)) });
      onEvent({ type: 'checkpoint', runId: 'r1', step: CHECKPOINT_AT, bytes: 1, elapsed: 2 });
      workers.checkpoints = [{ runId: 'r1', step: CHECKPOINT_AT, steps: STEPS, savedAt: 'now', backbone: 'tiny', lossKind: 'softmax', bytes: 1, seconds: 2 }];
      onEvent({ type: 'step', runId: 'r1', points: stepPoints(range(CHECKPOINT_AT, DIES_AT)) });
      setTimeout(() => die(new Error('the training worker stopped: it was terminated')), 10);
      return new Promise(() => undefined); // a dead worker never answers
    },
    async resumeRun(runId: string, onEvent: TrainEventHandler): Promise<RunResult> {
      workers.resumed.push(`${runId} on worker ${number}`);
      onEvent({ type: 'step', runId, points: stepPoints(range(CHECKPOINT_AT, STEPS)) });
      onEvent({ type: 'done', runId, reason: 'completed', step: STEPS, seconds: 3 });
      return { runId, reason: 'completed', step: STEPS };
    },
  }).startLabWorker();
  return { api, failed, terminate: () => undefined } as unknown as TrainingWorker;
}

vi.mock('../../../src/ui/worker/labBridge.ts', () => ({ startLabWorker: () => fakeWorker(++workers.started) }));

const { useTraining } = await import('../../../src/ui/worker/useTraining.ts');
const { App } = await import('../../../src/ui/App.tsx');

beforeEach(() => Object.assign(workers, { started: 0, checkpoints: [], resumed: [], lostCheckpoint: false }));
afterEach(cleanup);

describe('a worker that dies mid-run', () => {
  it('resumes the run on the replacement worker from its last checkpoint, and the loss curve goes on', async () => {
    const second = fakeWorker(2);
    const first = { ...fakeWorker(1), replacement: Promise.resolve({ worker: second, backend: { backend: 'wasm', attempts: [], tfjsVersion: 'test' } }) } as TrainingWorker;
    const saved: string[] = [];
    const { result } = renderHook(() => useTraining(first, 'cpu', (r) => void saved.push(`${r.status}@${r.step}`)));
    await act(async () => {
      await result.current.start({ config: { ...DEFAULT_TRAIN_CONFIG, steps: STEPS }, label: 'run', data: { kind: 'builtin' }, dataLabel: 'built-in' });
    });
    const run = result.current.run!;
    expect(run).toMatchObject({ id: 'r1', status: 'completed', step: STEPS, seconds: 2 + 3 });
    // Steps 4 and 5 were trained twice (after the checkpoint, then again on the new worker); each shows once.
    expect(Array.from(run.history.step)).toEqual(range(0, STEPS));
    expect(workers.resumed).toEqual(['r1 on worker 2']);
    expect(result.current.recovery).toBe(
      `the training worker stopped: it was terminated at step ${DIES_AT}; a new worker resumed the run from its checkpoint at step ${CHECKPOINT_AT}.`,
    );
    expect(saved.at(-1)).toBe(`completed@${STEPS}`);
  });

  it('without a checkpoint the run ends in an error that says so', async () => {
    const second = fakeWorker(2);
    const first = { ...fakeWorker(1), replacement: Promise.resolve({ worker: second, backend: { backend: 'cpu', attempts: [], tfjsVersion: 'test' } }) } as TrainingWorker;
    workers.lostCheckpoint = true;
    const { result } = renderHook(() => useTraining(first, 'cpu', () => undefined));
    await act(async () => {
      await result.current.start({ config: DEFAULT_TRAIN_CONFIG, label: 'run', data: { kind: 'builtin' }, dataLabel: 'built-in' });
    });
    expect(result.current.run).toMatchObject({ status: 'error', message: expect.stringMatching(/before the run's first checkpoint: a new worker is ready/) });
    expect(workers.resumed).toEqual([]);
  });

  it('the page starts a new worker, says so in the status, and the run completes', async () => {
    render(<App />);
    const train = screen.getByRole('button', { name: 'Train' }) as HTMLButtonElement;
    await vi.waitFor(() => expect(train.disabled).toBe(false));
    await act(async () => {
      fireEvent.click(train);
    });
    await vi.waitFor(() => expect(screen.getByRole('status', { name: 'Last run' }).textContent).toBe('Quick demo: completed after 10 steps'));
    expect(workers.started).toBe(2);
    expect(workers.resumed).toEqual(['r1 on worker 2']);
    expect(screen.getByRole('status', { name: 'Backend' }).textContent).toMatch(/the training worker stopped: it was terminated; a new worker was started on CPU\./);
    expect(screen.getByRole('status', { name: 'Worker recovery' }).textContent).toMatch(/a new worker resumed the run from its checkpoint at step 4\./);
  });
});
