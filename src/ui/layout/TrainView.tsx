/**
 * Train: the experiments, the training controls and the live figures ("Loss curve", "Angle histogram", "ROC
 * curve"), with the settings in a side panel that opens beside the figures.
 */
import { useState } from 'react';
import { AngleHistogram, LossCurve, RocCurve } from '../panels/Figures.tsx';
import { PresetBar } from '../panels/PresetBar.tsx';
import { TrainingPanel } from '../panels/TrainingPanel.tsx';
import { InterruptedRun } from '../runs/InterruptedRun.tsx';
import { TrainAtScale } from '../scale/TrainAtScale.tsx';
import type { Lab } from '../useLab.ts';
import { SettingsPanel, SettingsToggle } from './SettingsPanel.tsx';

/** The Train view. */
export function TrainView({ lab }: { lab: Lab }) {
  const [settingsOpen, setSettingsOpen] = useState(false);
  const { experiment, training, queue, busy, problem } = lab;
  return (
    <div className={settingsOpen ? 'train-view train-view--settings' : 'train-view'}>
      <div className="controls">
        <PresetBar
          presetId={experiment.presetId}
          config={experiment.config}
          disabled={busy}
          onPreset={experiment.choosePreset}
          onConfig={experiment.setConfig}
          onRunAll={(presets) => void lab.runAll(presets)}
        />
        <TrainingPanel training={training} canStart={lab.canStart} onTrain={lab.train} trainImages={training.data?.trainImages} />
        <SettingsToggle open={settingsOpen} onOpen={setSettingsOpen} problem={problem} />
        {queue && (
          <p className="help" aria-live="polite">
            {queue.title}: {queue.index + 1} of {queue.names.length} ({queue.names[queue.index]}). Stop ends the queue.
          </p>
        )}
        <p className="help data-line">Data: {lab.folderData ? lab.folderData.label : 'built-in synthetic faces'} (change it under Data).</p>
        <InterruptedRun api={lab.api} runs={lab.runs.runs} disabled={busy} onResume={(run, checkpoint) => void training.resumeRun(run, checkpoint.step, checkpoint.seconds)} />
        <TrainAtScale config={experiment.config} data={lab.dataExport.settings} dataNote={lab.dataExport.note} api={lab.api} disabled={!!problem || busy} />
      </div>
      <div className="figures train-figures">
        {/* Lower than elsewhere, so that the three figures fit a 1440×900 window beside the controls. */}
        <LossCurve runs={lab.leadRuns.slice(0, 1)} height={330} />
        <AngleHistogram runs={lab.shownRuns} />
        <RocCurve runs={lab.shownRuns} />
      </div>
      <SettingsPanel open={settingsOpen} onClose={() => setSettingsOpen(false)} config={experiment.config} onChange={experiment.setConfig} disabled={busy} problem={problem} />
    </div>
  );
}
