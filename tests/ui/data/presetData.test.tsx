/** What a preset's run trains on (its built-in populations unless folders are loaded), and that the run keeps its preset. */
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DOMAIN_PRESETS, findPreset, presetConfig, QUICK_DEMO_PRESET } from '../../../src/core/presets.ts';
import { BUILTIN_DOMAINS } from '../../../src/core/synth/dataset.ts';
import type { DataSummary, RunResult, TrainEventHandler } from '../../../src/protocol/api.ts';
import type { DataChoice } from '../../../src/ui/data/dataChoice.ts';
import { BUILTIN_LABEL, builtinDataLabel, runDataFor } from '../../../src/ui/data/presetData.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import type { LabWorkerHandle } from '../../../src/ui/worker/labBridge.ts';
import { useTraining } from '../../../src/ui/worker/useTraining.ts';

const FOLDERS: DataChoice = {
  spec: { kind: 'folder', test: 'validation', label: "folder 'faces'" },
  label: "folder 'faces': 20 identities, 400 images; tested on its validation images",
  trainImages: 400,
  identities: 20,
};

describe('runDataFor', () => {
  it("trains a domain preset on its populations and names them: 'Other domain' is B → A", () => {
    const other = findPreset('domain-other')!;
    expect(runDataFor(other, undefined)).toEqual({
      data: { kind: 'builtin', train: BUILTIN_DOMAINS.b.train, test: BUILTIN_DOMAINS.a.test },
      dataLabel: 'built-in synthetic faces, population B → A',
    });
    expect(runDataFor(DOMAIN_PRESETS[0], undefined).dataLabel).toBe('built-in synthetic faces, population A → A');
  });

  it('keeps the default built-in data for presets without data and for custom settings', () => {
    expect(runDataFor(QUICK_DEMO_PRESET, undefined)).toEqual({ data: { kind: 'builtin' }, dataLabel: BUILTIN_LABEL });
    expect(runDataFor(undefined, undefined)).toEqual({ data: { kind: 'builtin' }, dataLabel: BUILTIN_LABEL });
    expect(builtinDataLabel({ train: { identities: 50 } })).toBe('built-in synthetic faces, custom settings');
  });

  it('uses loaded folders for every preset, domain presets included', () => {
    for (const preset of [QUICK_DEMO_PRESET, ...DOMAIN_PRESETS, undefined]) {
      expect(runDataFor(preset, FOLDERS)).toEqual({ data: FOLDERS.spec, dataLabel: FOLDERS.label });
    }
  });
});

describe('useTraining', () => {
  /** A worker whose train() reports one finished run; loadData records the spec it was given. */
  function fakeWorker() {
    const loadData = vi.fn(async (): Promise<DataSummary> => ({ kind: 'builtin', trainIdentities: 2, trainImages: 10, testIdentities: 2, testImages: 4 }));
    const train = vi.fn(async (_config: unknown, onEvent: TrainEventHandler): Promise<RunResult> => {
      onEvent({ type: 'done', runId: 'r-1', reason: 'completed', step: 3, seconds: 1 });
      return { runId: 'r-1', reason: 'completed', step: 3 };
    });
    const handle = { api: { loadData, train }, failed: new Promise<never>(() => undefined), terminate: () => undefined } as unknown as LabWorkerHandle;
    return { handle, loadData };
  }

  it('records the preset id on the run and loads the data it was given', async () => {
    const { handle, loadData } = fakeWorker();
    const saved: RunRecord[] = [];
    const { result } = renderHook(() => useTraining(handle, 'cpu', (run) => saved.push(run)));
    const request = { config: presetConfig('domain-other'), label: 'Other domain', presetId: 'domain-other', ...runDataFor(findPreset('domain-other'), undefined) };
    let run: RunRecord | undefined;
    await act(async () => {
      run = await result.current.start(request);
    });
    expect(loadData).toHaveBeenCalledWith(request.data);
    expect(run?.presetId).toBe('domain-other');
    expect(run?.dataLabel).toBe('built-in synthetic faces, population B → A');
    expect(saved.at(-1)?.presetId).toBe('domain-other');

    await act(async () => {
      run = await result.current.start({ ...request, presetId: undefined, label: 'custom' });
    });
    expect(run && 'presetId' in run).toBe(false);
  });
});
