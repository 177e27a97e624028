import type { RunRecord } from '../runs/runRecord.ts';
import type { Training } from '../worker/useTraining.ts';
import { RunControlButtons } from './RunControlButtons.tsx';

/** Seconds as "1 min 05 s" / "42 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** Progress figures of a run: steps, epoch, throughput (median of the recent steps) and time left. */
export function runProgress(run: RunRecord, trainImages: number | undefined) {
  const { steps, batchSize } = run.config;
  const rates = run.history.imagesPerSec.subarray(Math.max(0, run.history.imagesPerSec.length - 20));
  const sorted = Array.from(rates)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const imagesPerSec = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
  const epoch = trainImages ? (run.step * batchSize) / trainImages : undefined;
  const etaSeconds = imagesPerSec > 0 ? ((steps - run.step) * batchSize) / imagesPerSec : undefined;
  return { step: run.step, steps, epoch, imagesPerSec, etaSeconds };
}

/** Props of the training panel. */
export interface TrainingPanelProps {
  training: Training;
  /** False until the worker is ready (or while a queue is running another preset). */
  canStart: boolean;
  onTrain(): void;
  /** Images in the training set, for the epoch count. */
  trainImages?: number;
}

/** "Train", "Pause", "Resume", "Stop" and the run's progress ("starting…" until its first step). */
export function TrainingPanel({ training, canStart, onTrain, trainImages }: TrainingPanelProps) {
  const { phase, run } = training;
  const running = phase !== 'idle';
  // Until the run's first step (and its first record) no figure of it exists, and none of an earlier run may stand in.
  const starting = phase === 'preparing' || (running && !run);
  const progress = run && running && !starting ? runProgress(run, trainImages) : undefined;
  const lastWarning = run?.warnings.at(-1);
  return (
    <section className="panel training-panel" aria-labelledby="training-heading">
      <h2 id="training-heading">Training</h2>
      <div className="buttons">
        <button type="button" onClick={onTrain} disabled={!canStart || running}>
          Train
        </button>
        <RunControlButtons training={training} />
      </div>
      {starting && (
        <div className="progress">
          <progress aria-label="Training progress" />
          <p aria-live="polite">starting… preparing data and compiling GPU kernels (the first step can take a while)</p>
        </div>
      )}
      {progress && (
        <div className="progress">
          <progress aria-label="Training progress" max={progress.steps} value={progress.step} />
          <p aria-live="off">
            Step {progress.step} / {progress.steps}
            {progress.epoch !== undefined && <> · epoch {progress.epoch.toFixed(2)}</>}
            {progress.imagesPerSec > 0 && <> · {progress.imagesPerSec.toFixed(1)} images/s</>}
            {progress.etaSeconds !== undefined && <> · {formatDuration(progress.etaSeconds)} left</>}
            {phase === 'pausing' && <> · pausing… (after the step in flight)</>}
            {phase === 'paused' && <> · paused</>}
            {phase === 'stopping' && <> · stopping… (after the step in flight)</>}
          </p>
        </div>
      )}
      {run && !running && (
        <p role="status" aria-label="Last run">
          {run.label}: {run.status} after {run.step} steps{run.message ? ` — ${run.message}` : ''}
        </p>
      )}
      {training.recovery && (
        <p className="warning" role="status" aria-label="Worker recovery">
          {training.recovery}
        </p>
      )}
      {lastWarning && (
        <p className="warning" role="alert">
          Step {lastWarning.step}: {lastWarning.message}
        </p>
      )}
    </section>
  );
}
