/**
 * The teaching views wired together, so the app mounts them with one element: lesson mode (or the button
 * that starts it), the toy panel, the live controls, and the figures "Target logit", "Hypersphere" and
 * "Angle statistics". Each part is also exported on its own for a layout that places them apart.
 */
import { useMemo } from 'react';
import { MARGINS_LESSON } from '../../core/lessons.ts';
import { presetConfig } from '../../core/presets.ts';
import type { LiveParams, TrainConfig } from '../../protocol/api.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { Training } from '../worker/useTraining.ts';
import { currentLoss } from './hypersphereTraces.ts';
import { LessonMode, lessonStepLoss, useLessonPosition } from './LessonMode.tsx';
import { LiveControls } from './LiveControls.tsx';
import { AngleStatsPanel, HypersphereFigure, TargetLogitFigure } from './TeachFigures.tsx';
import { ToyRunPanel } from './ToyRunPanel.tsx';

/** Props of the teaching views. */
export interface TeachingViewsProps {
  /** The lab's training state and commands; its `stop` should be the lab's (ending a preset queue too). */
  training: Training;
  /** `worker.api.setLive` once the worker is ready. */
  setLive?: (params: LiveParams) => Promise<void>;
  /** The experiment config and its setters (useExperimentConfig). */
  config: TrainConfig;
  onConfig: (config: TrainConfig) => void;
  onPreset: (presetId: string) => void;
  /** The runs on the plots, the live one first (App's shownRuns). */
  shownRuns: readonly RunRecord[];
  /** Every stored run (for the lesson's overlay). */
  runs: readonly RunRecord[];
  /** True when a new run may start (worker ready, nothing training, config valid). */
  canStart: boolean;
  /** True when the user's photos are loaded. */
  photosLoaded?: boolean;
}

/** Lesson mode, toy panel, live controls and the three teaching figures. */
export function TeachingViews({ training, setLive, config, onConfig, onPreset, shownRuns, runs, canStart, photosLoaded }: TeachingViewsProps) {
  const lesson = useLessonPosition();
  const live = training.run;
  const active = training.phase === 'training' || training.phase === 'paused';
  const allRuns = useMemo(() => (live ? [live, ...runs.filter((r) => r.id !== live.id)] : runs), [live, runs]);
  // The curve follows the running run (and its live changes) while one trains, else the lesson step on show (its
  // loss before its run exists), else the config panel.
  const lessonLoss = lesson.position ? lessonStepLoss(lesson.position) : undefined;
  const loss = live && active ? currentLoss(live) : (lessonLoss ?? config.loss);
  const { start } = training;

  const runPreset = (presetId: string, label: string) => {
    onPreset(presetId);
    void start({ config: presetConfig(presetId), label, data: { kind: 'builtin' }, dataLabel: 'built-in synthetic faces' });
  };

  return (
    <section className="teaching-views" aria-label="Teaching views">
      {lesson.error && (
        <p className="warning" role="alert">
          {lesson.error}
        </p>
      )}
      {lesson.position ? (
        <LessonMode
          position={lesson.position}
          onPosition={lesson.setPosition}
          runs={allRuns}
          onRunPreset={runPreset}
          busy={!canStart}
          photosLoaded={photosLoaded}
          focusRequest={lesson.openedByLink}
          training={training}
          fallbackLoss={config.loss}
        />
      ) : (
        <div className="buttons">
          <button type="button" onClick={() => lesson.start(MARGINS_LESSON.id)}>
            Lesson mode: {MARGINS_LESSON.title}
          </button>
        </div>
      )}
      <div className="layout">
        <div className="controls">
          <LiveControls run={live} active={active} setLive={setLive} />
          <ToyRunPanel config={config} onConfig={onConfig} onTrain={(request) => void start(request)} disabled={!canStart} />
        </div>
        <div className="figures">
          <TargetLogitFigure loss={loss} run={shownRuns[0]} />
          <HypersphereFigure run={shownRuns[0]} />
          <AngleStatsPanel runs={shownRuns} />
        </div>
      </div>
    </section>
  );
}
