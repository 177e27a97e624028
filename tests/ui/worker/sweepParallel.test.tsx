/**
 * "Reproduce the report" in parallel workers, against fake workers: on wasm with 4 cores the seven presets train
 * three at a time in extra workers and are stored like sequential runs; on WebGPU they queue on the one worker; a
 * worker that dies leaves its run as an error while the others finish; "Stop the sweep" stops every worker.
 */
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SWEEP_PRESET_IDS } from '../../../src/core/findings.ts';
import { findPreset } from '../../../src/core/presets.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import type { DataSpec, InitOptions, StepPoints, TrainConfig, TrainEventHandler } from '../../../src/protocol/api.ts';
import { emptyHistory } from '../../../src/ui/runs/applyEvent.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import { openRunsStore } from '../../../src/ui/runs/runsStore.ts';
import { MAX_SWEEP_JOBS, sweepJobCount } from '../../../src/ui/worker/sweepPool.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => undefined), purge: vi.fn(), downloadImage: vi.fn(async () => ''), toImage: vi.fn(async () => '') }));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));

/** The fake workers' shared state: what the test sets, and what the workers saw. */
const fake = vi.hoisted(() => ({
  backend: 'wasm',
  steps: 20,
  stepMs: 4,
  /** The train call (1-based, over all workers) whose worker dies mid-run (0: none). */
  crashOnTrain: 0,
  crashedConfig: undefined as unknown,
  /** Steps at which a training worker stores a checkpoint of its run (every `checkpointEvery` steps; 0: never). */
  checkpointEvery: 0,
  /** The checkpoints the fake workers stored: one per run, shared by every worker as IndexedDB is. */
  checkpoints: new Map<string, { runId: string; step: number; config: TrainConfig }>(),
  resumed: [] as string[],
  started: 0,
  terminated: 0,
  trainCalls: 0,
  training: 0,
  maxTraining: 0,
  inits: [] as unknown[],
  reset() {
    Object.assign(this, {
      backend: 'wasm',
      steps: 20,
      crashOnTrain: 0,
      crashedConfig: undefined,
      checkpointEvery: 0,
      checkpoints: new Map(),
      resumed: [],
      started: 0,
      terminated: 0,
      trainCalls: 0,
      training: 0,
      maxTraining: 0,
      inits: [],
    });
  },
}));

vi.mock('../../../src/ui/worker/labBridge.ts', async () => {
  const { fakeEval } = await import('../fakeLabWorker.ts');
  let runs = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** A worker that trains `fake.steps` steps (one event each), stops between steps when asked, or dies. */
  const startLabWorker = () => {
    fake.started++;
    let stopRequested = false;
    let crash: (err: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (crash = reject));
    failed.catch(() => undefined);
    const train = async (config: TrainConfig, onEvent: TrainEventHandler, resume?: { runId: string; step: number }) => {
      const runId = resume?.runId ?? `fake-${++runs}`;
      const call = resume ? 0 : ++fake.trainCalls;
      stopRequested = false;
      fake.maxTraining = Math.max(fake.maxTraining, ++fake.training);
      try {
        let step = resume?.step ?? 0;
        for (; step < fake.steps && !stopRequested; step++) {
          if (fake.checkpointEvery > 0 && step > 0 && step % fake.checkpointEvery === 0) fake.checkpoints.set(runId, { runId, step, config });
          await sleep(fake.stepMs);
          if (call === fake.crashOnTrain && step === 3) {
            fake.crashedConfig = config;
            crash(new Error('the training worker stopped: out of memory'));
            return await new Promise<never>(() => undefined); // a dead worker never answers
          }
          const points = Object.fromEntries(Object.keys(emptyHistory()).map((k) => [k, new Float32Array(1)])) as unknown as StepPoints;
          points.step[0] = step;
          points.loss[0] = 5 - step / 10;
          onEvent({ type: 'step', runId, points });
        }
        const reason = stopRequested ? 'stopped' : 'completed';
        onEvent(fakeEval(runId, step, 0.8));
        onEvent({ type: 'done', runId, reason, step, seconds: 1 });
        return { runId, reason, step };
      } finally {
        fake.training--;
      }
    };
    const known: Record<string, unknown> = {
      init: async (options?: InitOptions) => {
        fake.inits.push(options);
        return { backend: options?.preferred?.[0] ?? fake.backend, attempts: [], tfjsVersion: 'test' };
      },
      loadData: async (spec: DataSpec) => ({ kind: spec.kind, trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 }),
      train: (config: TrainConfig, onEvent: TrainEventHandler) => train(config, onEvent),
      listCheckpoints: async () => [...fake.checkpoints.values()].map(({ runId, step }) => ({ runId, step })),
      resumeRun: async (runId: string, onEvent: TrainEventHandler) => {
        const checkpoint = fake.checkpoints.get(runId);
        if (!checkpoint) throw new Error(`no checkpoint stored for run '${runId}'`);
        fake.resumed.push(runId);
        return train(checkpoint.config, onEvent, checkpoint);
      },
      stop: async () => void (stopRequested = true),
      // No built-in reference model (src/ui/verify asks for one).
      describeReference: async () => {
        throw new Error('this fake worker has no reference model');
      },
    };
    // Every other call (checkpoints, saved models, the data sub-API) answers "nothing here".
    const nothing = (): unknown => new Proxy(() => Promise.resolve([]), { get: (_t, key) => (key === 'then' ? undefined : nothing()) });
    const api = new Proxy({}, { get: (_t, key) => (typeof key === 'string' && key in known ? known[key] : key === 'then' ? undefined : nothing()) });
    return { api, failed, terminate: () => void fake.terminated++ };
  };
  return { startLabWorker };
});

const { App } = await import('../../../src/ui/App.tsx');
const { openOn } = await import('../views.ts');

const ALL_IDS = [...SWEEP_PRESET_IDS.report, ...SWEEP_PRESET_IDS.domain];

/** The runs the app stored (IndexedDB), once `count` of them have ended. */
async function storedRuns(count: number): Promise<RunRecord[]> {
  const store = await openRunsStore();
  try {
    let runs: RunRecord[] = [];
    await vi.waitFor(
      async () => {
        runs = (await store.list()).filter((r) => r.status !== 'running');
        expect(runs).toHaveLength(count);
      },
      { timeout: 10_000 },
    );
    return runs;
  } finally {
    store.close();
  }
}

/** Render the lab on Compare, wait for its worker, press "Reproduce the report"; the panel. */
async function startSweep() {
  openOn('compare');
  render(<App />);
  const panel = screen.getByRole('region', { name: 'Reproduce the report' });
  const button = within(panel).getByRole('button', { name: 'Reproduce the report' }) as HTMLButtonElement;
  await vi.waitFor(() => expect(button.disabled).toBe(false));
  await act(async () => {
    fireEvent.click(button);
  });
  return panel;
}

/** "Train" (in the Train view, hidden while Compare is shown). */
const trainButton = () => screen.getByRole('button', { name: 'Train', hidden: true }) as HTMLButtonElement;

beforeEach(async () => {
  fake.reset();
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 4, configurable: true });
  const store = await openRunsStore();
  await store.clear();
  store.close();
});
afterEach(cleanup);

describe('sweepJobCount', () => {
  it('is one core short of the cores on wasm, at most MAX_SWEEP_JOBS and the runs; one otherwise', () => {
    const count = (backend: 'wasm' | 'webgpu' | 'cpu', cores: number | undefined, runs = 7, foldersLoaded = false) => sweepJobCount({ backend, runs, cores, foldersLoaded });
    expect(count('wasm', 4)).toBe(3);
    expect(count('wasm', 16)).toBe(MAX_SWEEP_JOBS);
    expect(count('wasm', 16, 2)).toBe(2);
    expect([count('wasm', 2), count('wasm', 1), count('wasm', undefined)]).toEqual([1, 1, 1]);
    expect([count('webgpu', 16), count('cpu', 16), count('wasm', 16, 5, true)]).toEqual([1, 1, 1]);
  });
});

describe('App: the report sweep in parallel workers', () => {
  it('on wasm with 4 cores trains the seven presets three at a time in extra workers, stored like sequential runs', async () => {
    const panel = await startSweep();
    expect(within(panel).getByLabelText('Sweep mode').textContent).toBe('Trains 3 runs at a time in parallel workers (wasm).');
    expect(trainButton().disabled).toBe(true);
    const runs = await storedRuns(7);
    expect(fake.maxTraining).toBe(3);
    expect(fake.started).toBe(1 + 3); // the main worker and three sweep workers
    // Three workers on the three cores the page leaves: one wasm thread each (sweepThreadShare).
    expect(fake.inits.filter((o) => o !== undefined)).toEqual(Array.from({ length: 3 }, () => ({ preferred: ['wasm'], wasmThreads: 1 })));
    expect(runs.map((r) => r.presetId).sort()).toEqual([...ALL_IDS].sort());
    expect(runs.every((r) => r.status === 'completed' && r.step === fake.steps && r.backend === 'wasm' && r.lastEval)).toBe(true);
    expect(runs.find((r) => r.presetId === 'domain-other')?.dataLabel).toMatch(/population B → A/);
    // The sweep's workers are gone, the buttons back, and the checklist reads the runs.
    await vi.waitFor(() => expect(trainButton().disabled).toBe(false));
    expect(fake.terminated).toBe(3);
    const items = within(within(panel).getByRole('group', { name: 'Sweep progress' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(ALL_IDS.map((id) => `${findPreset(id)!.name}: completed`));
    await vi.waitFor(() => expect(within(panel).getByRole('table', { name: 'Findings' }).textContent).not.toMatch(/not run yet/));
  });

  it('on WebGPU trains them one at a time on the one worker', async () => {
    fake.backend = 'webgpu';
    fake.steps = 5;
    const panel = await startSweep();
    expect(within(panel).getByLabelText('Sweep mode').textContent).toBe('Trains one run at a time on WebGPU.');
    expect(within(panel).getByRole('button', { name: 'Stop the sweep' })).toBeTruthy();
    const runs = await storedRuns(7);
    expect(fake.maxTraining).toBe(1);
    expect(fake.started).toBe(1);
    expect(runs.map((r) => r.presetId).sort()).toEqual([...ALL_IDS].sort());
    // No parallel progress list: the training panel shows the queue's one run.
    await vi.waitFor(() => expect(within(panel).queryByRole('group', { name: 'Sweep progress' })).toBeNull());
  });

  it('a worker that dies leaves its run as an error with its message; the other runs complete', async () => {
    fake.crashOnTrain = 2;
    await startSweep();
    const runs = await storedRuns(7);
    const failed = runs.filter((r) => r.status === 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toBe("the training worker stopped: out of memory at step 3, before the run's first checkpoint");
    const crashed = ALL_IDS.find((id) => JSON.stringify(parseTrainConfig(findPreset(id)!.config)) === JSON.stringify(fake.crashedConfig));
    expect(failed[0].presetId).toBe(crashed);
    expect(
      runs
        .filter((r) => r.status === 'completed')
        .map((r) => r.presetId)
        .sort(),
    ).toEqual(ALL_IDS.filter((id) => id !== crashed).sort());
    expect(fake.started).toBe(1 + 3 + 1); // the dead worker is replaced for the next run
    const item = await screen.findByText(/: error: the training worker stopped: out of memory at step 3, before the run's first checkpoint$/);
    expect(item.textContent).toBe(`${findPreset(crashed!)!.name}: error: the training worker stopped: out of memory at step 3, before the run's first checkpoint`);
  });

  it('a worker that dies after a checkpoint: a new worker resumes its run from there and it completes, the gap kept', async () => {
    fake.crashOnTrain = 2;
    fake.checkpointEvery = 2;
    await startSweep();
    const runs = await storedRuns(7);
    expect(runs.filter((r) => r.status !== 'completed')).toEqual([]);
    const resumed = runs.filter((r) => r.interruptions);
    expect(resumed).toHaveLength(1);
    expect(fake.resumed).toEqual([resumed[0].id]);
    // Cut off after step 2's point, at the checkpoint of step 2: its points from there on were sent again.
    expect(resumed[0].interruptions).toEqual([{ atStep: 3, resumedFrom: 2, reason: 'the training worker stopped: out of memory' }]);
    expect(Array.from(resumed[0].history.step)).toEqual([...Array(fake.steps).keys()]);
    expect(fake.started).toBe(1 + 3 + 1); // the dead worker's replacement resumed the run
  });

  it('"Stop the sweep" stops every running run gracefully and starts no more', async () => {
    fake.steps = 5000;
    const panel = await startSweep();
    const progress = within(panel).getByRole('group', { name: 'Sweep progress' });
    await vi.waitFor(() => expect(within(progress).getAllByText(/: step \d+ \/ \d+$/)).toHaveLength(3));
    await act(async () => {
      fireEvent.click(within(panel).getByRole('button', { name: 'Stop the sweep' }));
    });
    const runs = await storedRuns(3);
    expect(runs.map((r) => r.status)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(runs.every((r) => r.step < 5000)).toBe(true);
    await vi.waitFor(() => expect(trainButton().disabled).toBe(false));
    expect(fake.trainCalls).toBe(3);
    expect(within(progress).getAllByText(/: not started$/)).toHaveLength(4);
    expect(within(progress).getAllByText(/: stopped at step \d+ \/ \d+$/)).toHaveLength(3);
    expect(within(panel).queryByRole('button', { name: 'Stop the sweep' })).toBeNull();
  });
});
