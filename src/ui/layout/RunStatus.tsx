/**
 * The run's progress in one line for the top bar, so it is in sight in every view: the phase, the run and its step
 * (or a sweep's runs, or the last run's end). Not announced at each step (aria-live off): the training panel
 * announces starts and ends.
 */
import type { SweepJob } from '../worker/sweepPool.ts';
import type { Training } from '../worker/useTraining.ts';
import type { PresetQueue } from '../useLab.ts';

const PHASE_WORDS: Readonly<Record<Training['phase'], string>> = Object.freeze({
  idle: 'Idle',
  preparing: 'Starting',
  training: 'Training',
  pausing: 'Pausing…',
  paused: 'Paused',
  stopping: 'Stopping…',
});

/** Phases of a sweep's run while it holds a worker. */
const ACTIVE_SWEEP_PHASES: ReadonlySet<SweepJob['phase']> = new Set(['starting', 'training', 'stopping', 'paused']);

/** What the run status shows. */
export interface RunStatusProps {
  training: Pick<Training, 'phase' | 'run'>;
  queue?: PresetQueue;
  sweepRunning: boolean;
  sweepJobs?: readonly SweepJob[];
}

/** The parts of the status line: the phase word, then details. */
export function runStatusParts({ training, queue, sweepRunning, sweepJobs }: RunStatusProps): { phase: string; details: string[] } {
  const { phase, run } = training;
  if (phase !== 'idle') {
    const details = [
      ...(queue ? [`${queue.title} ${queue.index + 1}/${queue.names.length}`] : []),
      ...(run ? [run.label, `step ${run.step}/${run.config.steps}`] : ['loading data']),
    ];
    return { phase: PHASE_WORDS[phase], details };
  }
  if (sweepRunning) {
    const jobs = sweepJobs ?? [];
    const active = jobs.filter((j) => ACTIVE_SWEEP_PHASES.has(j.phase)).length;
    const done = jobs.filter((j) => !ACTIVE_SWEEP_PHASES.has(j.phase) && j.phase !== 'waiting').length;
    return { phase: 'Sweep', details: [`${done}/${jobs.length} runs done`, `${active} training`] };
  }
  if (run) return { phase: 'Idle', details: [`last run: ${run.label}, ${run.status} after ${run.step} steps`] };
  return { phase: 'Idle', details: ['no run yet'] };
}

/** The run status. */
export function RunStatus(props: RunStatusProps) {
  const { phase, details } = runStatusParts(props);
  const progress = props.training.phase !== 'idle' && props.training.run ? props.training.run.step / Math.max(1, props.training.run.config.steps) : undefined;
  return (
    <p className="run-status" role="status" aria-live="off" aria-label="Run progress" data-phase={props.training.phase}>
      <strong className="run-status-phase">{phase}</strong>
      {details.map((d) => (
        <span key={d} className="run-status-detail">
          {' · '}
          {d}
        </span>
      ))}
      {progress !== undefined && (
        <span className="run-status-bar" aria-hidden="true">
          <span style={{ width: `${(progress * 100).toFixed(1)}%` }} />
        </span>
      )}
    </p>
  );
}
