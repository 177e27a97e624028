/**
 * The lab's state in one hook: the training worker, the experiment config (in the URL), the runs, the run in
 * training, the preset queue ("Run all presets"), the report sweep in parallel workers and the user's folders, with
 * the commands that start and stop them. App.tsx lays the views out around what this returns.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { findPreset, type ExperimentPreset } from '../core/presets.ts';
import { parseTrainConfig } from '../core/trainConfig.ts';
import type { LiveParams, TrainConfig } from '../protocol/api.ts';
import type { FolderReport } from '../protocol/data.ts';
import type { DataChoice } from './data/DataPanel.tsx';
import { runDataFor } from './data/presetData.ts';
import { DEFAULT_DATA_EXPORT, type DataExport } from './data/dataExport.ts';
import { reproducePresets } from './report/findingsTable.ts';
import { lossSummary } from './runs/exportRuns.ts';
import { plotRuns } from './runs/plotRuns.ts';
import type { RunRecord } from './runs/runRecord.ts';
import { useRuns } from './runs/useRuns.ts';
import { useExperimentConfig } from './useExperimentConfig.ts';
import { dataApiOf } from './worker/dataBridge.ts';
import { sweepJobCount } from './worker/sweepPool.ts';
import { useLabWorker } from './worker/useLabWorker.ts';
import { useSweepPool } from './worker/useSweepPool.ts';
import { useTraining, type Training } from './worker/useTraining.ts';

/** Why the engine would refuse this config, if it would. */
export function configProblem(config: TrainConfig): string | undefined {
  try {
    parseTrainConfig(config);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The title of the queue "Reproduce the report" runs when it trains one preset after another. */
export const REPRODUCE_TITLE = 'Reproducing the report';

/** A preset queue in progress: its title, the presets' names and the one training now. */
export interface PresetQueue {
  title: string;
  names: string[];
  index: number;
}

/**
 * The runs with the live one in its latest state (stored or not yet), first when it is new: how the runs table shows
 * a run while it trains, its step advancing.
 */
export function withLiveRun(runs: RunRecord[], live: RunRecord | undefined, training: boolean): RunRecord[] {
  if (!live || !training) return runs;
  const stored = runs.find((r) => r.id === live.id);
  if (!stored) return [live, ...runs];
  const current = { ...live, number: stored.number, ...(stored.name ? { name: stored.name } : {}) };
  return runs.map((r) => (r.id === live.id ? current : r));
}

/** The lab's state and commands. */
export function useLab() {
  const worker = useLabWorker();
  const ready = worker.phase === 'ready' ? worker : undefined;
  const api = ready?.worker.api;
  const backend = ready?.backend.backend;
  const experiment = useExperimentConfig();
  const runs = useRuns();
  const { saveRun, deleteRun } = runs;
  const rawTraining = useTraining(ready?.worker, backend, saveRun);
  const sweep = useSweepPool(saveRun);
  const [queue, setQueue] = useState<PresetQueue>();
  const [folderData, setFolderData] = useState<DataChoice>();
  // The loaded test folder's report: the reference model's baseline is measured on its pairs.
  const [testFolder, setTestFolder] = useState<FolderReport>();
  // What "Train at scale…" exports as data.json: the loaded folders' settings (the form's when none is loaded).
  const [dataExport, setDataExport] = useState<DataExport>(DEFAULT_DATA_EXPORT);
  const cancelQueue = useRef(false);

  // A deleted run takes its stored checkpoint with it (weights and optimiser state: up to hundreds of MB).
  const deleteRunAndCheckpoint = useCallback(
    (id: string) => {
      deleteRun(id);
      api?.deleteCheckpoint(id).catch(() => undefined);
    },
    [deleteRun, api],
  );

  const problem = useMemo(() => configProblem(experiment.config), [experiment.config]);
  const busy = rawTraining.phase !== 'idle' || queue !== undefined || sweep.running;
  // The report sweep trains in parallel workers on wasm when cores allow; folder data lives in the main worker only.
  const sweepJobs = sweepJobCount({
    backend,
    runs: reproducePresets(folderData !== undefined).length,
    cores: navigator.hardwareConcurrency,
    foldersLoaded: folderData !== undefined,
  });

  // A preset's run trains on the preset's built-in data (unless folders are loaded) and keeps its id.
  const trainOne = useCallback(
    (config: TrainConfig, label: string, preset?: ExperimentPreset) => rawTraining.start({ config, label, presetId: preset?.id, ...runDataFor(preset, folderData) }),
    [rawTraining, folderData],
  );

  /** "Train": the experiment config, labelled by its preset's name, or by what it trains with. */
  const train = () => {
    const preset = experiment.presetId ? findPreset(experiment.presetId) : undefined;
    const label = preset?.name ?? experiment.presetId ?? `${experiment.config.model.backbone} · ${lossSummary(experiment.config.loss)}`;
    void trainOne(experiment.config, label, preset);
  };

  /** Trains `presets` one after another (Stop ends the queue). */
  const runAll = async (presets: readonly ExperimentPreset[], title = 'Running all presets') => {
    cancelQueue.current = false;
    for (const [index, preset] of presets.entries()) {
      if (cancelQueue.current) break;
      setQueue({ title, names: presets.map((p) => p.name), index });
      const run = await trainOne(parseTrainConfig(preset.config), preset.name, preset);
      if (!run || run.status === 'error') break;
    }
    setQueue(undefined);
  };

  /** "Reproduce the report": in parallel workers where the backend and cores allow, else as a queue. */
  const reproduce = (presets: readonly ExperimentPreset[]) => {
    if (sweepJobs <= 1 || !backend) return void runAll(presets, REPRODUCE_TITLE);
    // Built-in data only (sweepJobCount is 1 with folders loaded), so every pool worker can load its run's data.
    const requests = presets.map((p) => ({ config: parseTrainConfig(p.config), label: p.name, presetId: p.id, ...runDataFor(p, undefined) }));
    void sweep.run(requests, sweepJobs, backend);
  };

  /** Stops the run, the queue and the sweep. */
  const stop = useCallback(() => {
    cancelQueue.current = true;
    rawTraining.stop();
    sweep.stop();
  }, [rawTraining, sweep]);

  // The training as the page offers it: Stop ends a queue and a sweep too.
  const training: Training = { ...rawTraining, stop };
  const live = rawTraining.run;
  const isTraining = rawTraining.phase !== 'idle';
  const { shownRuns, leadRuns } = useMemo(() => plotRuns({ runs: runs.runs, selected: runs.selected, live, training: isTraining }), [live, isTraining, runs.runs, runs.selected]);
  const liveRuns = useMemo(() => withLiveRun(runs.runs, live, isTraining), [runs.runs, live, isTraining]);
  const setLive = useMemo(() => (api ? (params: LiveParams) => api.setLive(params) : undefined), [api]);
  const dataApi = useMemo(() => (api ? dataApiOf(api) : undefined), [api]);

  return {
    worker,
    ready,
    api,
    backend,
    dataApi,
    experiment,
    runs,
    /** Every run with the one training now in its latest state (the runs table while a run trains). */
    liveRuns,
    training,
    setLive,
    sweep,
    sweepJobs,
    queue,
    folderData,
    setFolderData,
    testFolder,
    setTestFolder,
    dataExport,
    setDataExport,
    problem,
    busy,
    /** A run may start: the worker is ready, the config valid, and no queue or sweep trains. */
    canStart: !!ready && !problem && !queue && !sweep.running,
    train,
    runAll,
    reproduce,
    stop,
    deleteRunAndCheckpoint,
    shownRuns,
    leadRuns,
  };
}

/** What useLab returns. */
export type Lab = ReturnType<typeof useLab>;
