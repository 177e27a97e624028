import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { parseTrainConfig } from '../core/trainConfig.ts';
import { findPreset, type ExperimentPreset } from '../core/presets.ts';
import type { TrainConfig } from '../protocol/api.ts';
import { BackendStatus } from './BackendStatus.tsx';
import { DataPanel as DataPanelView, type DataChoice } from './data/DataPanel.tsx';
import { runDataFor } from './data/presetData.ts';
import { ConfigPanel as ConfigPanelView } from './panels/ConfigPanel.tsx';
import { AngleHistogram, LossCurve, RocCurve } from './panels/Figures.tsx';
import { PresetBar } from './panels/PresetBar.tsx';
import { TrainingPanel } from './panels/TrainingPanel.tsx';
import { lossSummary } from './runs/exportRuns.ts';
import { InterruptedRun } from './runs/InterruptedRun.tsx';
import { RefusedRecords } from './runs/RefusedRecords.tsx';
import { RunExports } from './runs/RunExports.tsx';
import { ImportRunDir } from './runs/ImportRunDir.tsx';
import { RunsTable as RunsTableView } from './runs/RunsTable.tsx';
import { plotRuns } from './runs/plotRuns.ts';
import { useRuns } from './runs/useRuns.ts';
import { reproducePresets } from './report/findingsTable.ts';
import { ReproduceReport } from './report/ReproduceReport.tsx';
import { useExperimentConfig } from './useExperimentConfig.ts';
import { dataApiOf } from './worker/dataBridge.ts';
import { useLabWorker } from './worker/useLabWorker.ts';
import { sweepJobCount } from './worker/sweepPool.ts';
import { useSweepPool } from './worker/useSweepPool.ts';
import { useTraining } from './worker/useTraining.ts';
import { TeachingViews } from './teach/TeachingViews.tsx';
import { SavedModels } from './models/SavedModels.tsx';
import { TrainAtScale } from './scale/TrainAtScale.tsx';
import { VerifyPanel } from './verify/VerifyPanel.tsx';

// Panels whose props stay the same while a run trains: skipping their re-render keeps live updates cheap.
const ConfigPanel = memo(ConfigPanelView);
const DataPanel = memo(DataPanelView);
const RunsTable = memo(RunsTableView);

/** Why the engine would refuse this config, if it would. */
function configProblem(config: TrainConfig): string | undefined {
  try {
    parseTrainConfig(config);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const REPRODUCE_TITLE = 'Reproducing the report';

/** The lab's root component. */
export function App() {
  const worker = useLabWorker();
  const ready = worker.phase === 'ready' ? worker : undefined;
  const experiment = useExperimentConfig();
  const { runs, selected, setSelected, saveRun, renameRun, deleteRun, storageProblem, refusedRuns } = useRuns();
  const training = useTraining(ready?.worker, ready?.backend.backend, saveRun);
  const sweep = useSweepPool(saveRun);
  // A deleted run takes its stored checkpoint with it (weights and optimiser state: up to hundreds of MB).
  const api = ready?.worker.api;
  const deleteRunAndCheckpoint = useCallback((id: string) => {
    deleteRun(id);
    api?.deleteCheckpoint(id).catch(() => undefined);
  }, [deleteRun, api]);
  const [queue, setQueue] = useState<{ title: string; names: string[]; index: number }>();
  const [folderData, setFolderData] = useState<DataChoice>();
  const cancelQueue = useRef(false);

  const problem = useMemo(() => configProblem(experiment.config), [experiment.config]);
  const busy = training.phase !== 'idle' || queue !== undefined || sweep.running;
  // The report sweep trains in parallel workers on wasm when cores allow; folder data lives in the main worker only.
  const backend = ready?.backend.backend;
  const sweepJobs = sweepJobCount({
    backend, runs: reproducePresets(folderData !== undefined).length, cores: navigator.hardwareConcurrency, foldersLoaded: folderData !== undefined,
  });

  // A preset's run trains on the preset's built-in data (unless folders are loaded) and keeps its id.
  const trainOne = useCallback(
    (config: TrainConfig, label: string, preset?: ExperimentPreset) =>
      training.start({ config, label, presetId: preset?.id, ...runDataFor(preset, folderData) }),
    [training, folderData],
  );

  const onTrain = () => {
    // A preset's run carries its name; a custom run says what it trains with.
    const preset = experiment.presetId ? findPreset(experiment.presetId) : undefined;
    const label = preset?.name ?? experiment.presetId ?? `${experiment.config.model.backbone} · ${lossSummary(experiment.config.loss)}`;
    void trainOne(experiment.config, label, preset);
  };

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

  const reproduce = (presets: readonly ExperimentPreset[]) => {
    if (sweepJobs <= 1 || !backend) return void runAll(presets, REPRODUCE_TITLE);
    // Built-in data only (sweepJobCount is 1 with folders loaded), so every pool worker can load its run's data.
    const requests = presets.map((p) => ({ config: parseTrainConfig(p.config), label: p.name, presetId: p.id, ...runDataFor(p, undefined) }));
    void sweep.run(requests, sweepJobs, backend);
  };

  const stop = useCallback(() => {
    cancelQueue.current = true;
    training.stop();
    sweep.stop();
  }, [training, sweep]);

  const { shownRuns, leadRuns } = useMemo(
    () => plotRuns({ runs, selected, live: training.run, training: training.phase !== 'idle' }),
    [training.run, training.phase, runs, selected],
  );

  return (
    <main>
      <header className="app-header">
        <div>
          <h1>Margin Lab</h1>
          <p className="tagline">Train face-verification embeddings in your browser. Nothing you load leaves this page.</p>
        </div>
        <BackendStatus state={worker} />
      </header>
      {experiment.linkErrors.length > 0 && (
        <div className="notice" role="alert">
          <p>Some settings in the link were not applied:</p>
          <ul>{experiment.linkErrors.map((e) => <li key={e}>{e}</li>)}</ul>
          <button type="button" onClick={experiment.dismissLinkErrors}>Dismiss</button>
        </div>
      )}
      <div className="layout">
        <div className="controls">
          <PresetBar presetId={experiment.presetId} config={experiment.config} disabled={busy}
            onPreset={experiment.choosePreset} onConfig={experiment.setConfig} onRunAll={(presets) => void runAll(presets)} />
          <TrainingPanel training={{ ...training, stop }} canStart={!!ready && !problem && !queue && !sweep.running} onTrain={onTrain} trainImages={training.data?.trainImages} />
          <TrainAtScale config={experiment.config} api={ready?.worker.api} disabled={!!problem || busy} />
          <InterruptedRun api={ready?.worker.api} runs={runs} disabled={busy} onResume={(run, checkpoint) => void training.resumeRun(run, checkpoint.step, checkpoint.seconds)} />
          {queue && (
            <p className="help" aria-live="polite">
              {queue.title}: {queue.index + 1} of {queue.names.length} ({queue.names[queue.index]}). Stop ends the queue.
            </p>
          )}
          <ConfigPanel config={experiment.config} onChange={experiment.setConfig} disabled={busy} problem={problem} />
          <DataPanel data={ready ? dataApiOf(ready.worker.api) : undefined} onDataReady={setFolderData} />
        </div>
        <div className="figures">
          <LossCurve runs={leadRuns.slice(0, 1)} />
          <AngleHistogram runs={shownRuns} />
          <RocCurve runs={shownRuns} />
        </div>
      </div>
      <section className="panel runs-panel" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        {storageProblem && <p className="warning" role="alert">Runs are not being saved: {storageProblem}</p>}
        <RefusedRecords api={ready?.worker.api} runs={refusedRuns} />
        <RunsTable runs={runs} selected={selected} onSelectedChange={setSelected} onDelete={deleteRunAndCheckpoint} onRename={renameRun} />
        <RunExports runs={runs} />
        <ImportRunDir api={ready?.worker.api} onRun={saveRun} />
      </section>
      {/* After the runs table, so the runs table stays the page's first table (the browser tests read it so). */}
      <ReproduceReport runs={runs} foldersLoaded={folderData !== undefined} disabled={busy || !ready} onRun={reproduce}
        parallelJobs={sweepJobs} backend={backend} sweepRunning={sweep.running || queue?.title === REPRODUCE_TITLE} sweepJobs={sweep.jobs} onStop={stop} />
      {/* Issue 8 (teaching views); after the runs table so the runs table stays the page's first table. */}
      <TeachingViews training={{ ...training, stop }} setLive={ready ? (params) => ready.worker.api.setLive(params) : undefined} config={experiment.config}
        onConfig={experiment.setConfig} onPreset={experiment.choosePreset} shownRuns={leadRuns} runs={runs}
        canStart={!!ready && !problem && !busy} photosLoaded={folderData !== undefined} />
      <SavedModels api={ready?.worker.api} currentRun={training.run} canSave={!busy && training.run !== undefined} />
      <VerifyPanel api={ready?.worker.api} currentRun={training.run} />
    </main>
  );
}
