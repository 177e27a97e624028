import type { BackendName } from '../../protocol/api.ts';
import { BACKEND_LABELS } from '../BackendStatus.tsx';
import type { SweepJob } from '../worker/sweepPool.ts';

/**
 * How the sweep trains, in words: "3 runs at a time in parallel workers (wasm)" or "one run at a time on WebGPU"
 * (undefined while the worker starts and the backend is unknown).
 */
export function sweepModeText(jobs: number, backend: BackendName | undefined): string | undefined {
  if (!backend) return undefined;
  return jobs > 1 ? `${jobs} runs at a time in parallel workers (${backend})` : `one run at a time on ${BACKEND_LABELS[backend]}`;
}

/** One sweep run's state, compactly: "step 120 / 400", "waiting", "error: …". */
export function jobText(job: SweepJob): string {
  switch (job.phase) {
    case 'training':
      return `step ${job.step} / ${job.steps}`;
    case 'stopping':
      return `step ${job.step} / ${job.steps}, stopping after this batch…`;
    case 'stopped':
      return `stopped at step ${job.step} / ${job.steps}`;
    case 'error':
    case 'diverged':
      return job.message ? `${job.phase}: ${job.message}` : job.phase;
    default:
      return job.phase;
  }
}

/** Props of the sweep's progress. */
export interface SweepProgressProps {
  /** The parallel runs (absent for the one-at-a-time queue, whose progress the training panel shows). */
  jobs?: readonly SweepJob[];
  /** A sweep is training (either way): offer to stop it. */
  running: boolean;
  onStop(): void;
}

/** "Stop the sweep" while one trains, and each parallel run's progress. */
export function SweepProgress({ jobs, running, onStop }: SweepProgressProps) {
  if (!running && !jobs) return null;
  return (
    <div role="group" aria-label="Sweep progress" className="sweep-progress">
      {running && (
        <div className="buttons">
          {/* The training panel's Stop follows the main worker only; this one also reaches the parallel workers. */}
          <button type="button" onClick={onStop}>
            Stop the sweep
          </button>
        </div>
      )}
      {jobs && (
        <ol className="sweep-jobs" aria-live="off">
          {jobs.map((job, i) => (
            <li key={`${i}-${job.presetId ?? job.label}`} data-phase={job.phase}>
              {job.label}: {jobText(job)}
              {(job.phase === 'training' || job.phase === 'stopping') && <progress aria-label={`${job.label} progress`} max={job.steps} value={job.step} />}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
