/**
 * A sweep worker's share of the wasm threads: the cores the sweep may use (all but the page's one) split among the
 * workers training at once, at least one each, and handed to each worker's init on wasm only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InitOptions, RunResult } from '../../../src/protocol/api.ts';
import type { LabWorkerHandle } from '../../../src/ui/worker/labBridge.ts';
import { MAX_SWEEP_JOBS, SweepPool, sweepJobCount, sweepThreadShare, type SweepRequest } from '../../../src/ui/worker/sweepPool.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';

describe('sweepThreadShare', () => {
  it("splits the cores but the page's one evenly among the workers, rounding down", () => {
    expect(sweepThreadShare({ cores: 16, jobs: 4 })).toBe(3);
    expect(sweepThreadShare({ cores: 8, jobs: 2 })).toBe(3);
    expect(sweepThreadShare({ cores: 8, jobs: 3 })).toBe(2);
    expect(sweepThreadShare({ cores: 5, jobs: 1 })).toBe(4);
  });

  it('gives one thread each when the workers take every spare core, and never fewer than one', () => {
    expect(sweepThreadShare({ cores: 4, jobs: 3 })).toBe(1);
    expect(sweepThreadShare({ cores: 2, jobs: 1 })).toBe(1);
    expect(sweepThreadShare({ cores: 2, jobs: 4 })).toBe(1);
    expect(sweepThreadShare({ cores: 1, jobs: 1 })).toBe(1);
    expect(sweepThreadShare({ cores: undefined, jobs: 2 })).toBe(1);
    expect(sweepThreadShare({ cores: 8, jobs: 0 })).toBe(7);
  });

  it('never asks for more threads than the sweep has cores, whatever sweepJobCount picks', () => {
    for (let cores = 1; cores <= 64; cores++) {
      for (let runs = 1; runs <= 8; runs++) {
        const jobs = sweepJobCount({ backend: 'wasm', runs, cores, foldersLoaded: false });
        const threads = sweepThreadShare({ cores, jobs });
        expect(jobs * threads, `${cores} cores, ${runs} runs`).toBeLessThanOrEqual(Math.max(1, cores - 1));
        // And leaves fewer idle cores than one more thread per worker would use.
        expect(jobs * (threads + 1), `${cores} cores, ${runs} runs`).toBeGreaterThan(Math.max(1, cores - 1));
        expect(jobs).toBeLessThanOrEqual(MAX_SWEEP_JOBS);
      }
    }
  });
});

/** A worker whose init records its options and whose run ends at once. */
function recordingWorker(inits: InitOptions[]): LabWorkerHandle {
  const api = {
    init: async (options: InitOptions) => {
      inits.push(options);
      return { backend: options.preferred?.[0] ?? 'cpu', attempts: [], tfjsVersion: 'test' };
    },
    loadData: async () => ({ trainIdentities: 4 }),
    train: async (): Promise<RunResult> => ({ runId: 'r', reason: 'completed', step: 0 }),
    stop: async () => undefined,
  };
  return { api: api as unknown as LabWorkerHandle['api'], failed: new Promise<never>(() => undefined), terminate: () => undefined };
}

const request = (label: string): SweepRequest => ({ label, dataLabel: 'built-in', config: parseTrainConfig({}), data: { kind: 'builtin' } as SweepRequest['data'] });

describe('SweepPool: each worker gets its share', () => {
  const cores = navigator.hardwareConcurrency;
  afterEach(() => Object.defineProperty(navigator, 'hardwareConcurrency', { value: cores, configurable: true }));

  it('inits every wasm worker with the threads of its share of navigator.hardwareConcurrency', async () => {
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 8, configurable: true });
    const inits: InitOptions[] = [];
    const pool = new SweepPool({ jobs: 2, backend: 'wasm', onRunChange: () => undefined, onJobs: () => undefined, startWorker: () => recordingWorker(inits) });
    await pool.run([request('a'), request('b'), request('c')]);
    expect(inits).toEqual([
      { preferred: ['wasm'], wasmThreads: 3 },
      { preferred: ['wasm'], wasmThreads: 3 },
    ]);
  });

  it('shares the cores among the workers that really start (fewer runs than jobs), or takes the count it is given', async () => {
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 8, configurable: true });
    const inits: InitOptions[] = [];
    await new SweepPool({ jobs: 4, backend: 'wasm', onRunChange: () => undefined, onJobs: () => undefined, startWorker: () => recordingWorker(inits) }).run([request('a')]);
    expect(inits).toEqual([{ preferred: ['wasm'], wasmThreads: 7 }]);
    inits.length = 0;
    await new SweepPool({ jobs: 2, backend: 'wasm', wasmThreads: 1, onRunChange: () => undefined, onJobs: () => undefined, startWorker: () => recordingWorker(inits) }).run([
      request('a'),
      request('b'),
    ]);
    expect(inits).toEqual([
      { preferred: ['wasm'], wasmThreads: 1 },
      { preferred: ['wasm'], wasmThreads: 1 },
    ]);
  });

  it('asks no threads of a GPU backend', async () => {
    const inits: InitOptions[] = [];
    await new SweepPool({ jobs: 1, backend: 'webgpu', onRunChange: () => undefined, onJobs: () => undefined, startWorker: () => recordingWorker(inits) }).run([request('a')]);
    expect(inits).toEqual([{ preferred: ['webgpu'] }]);
  });
});
