import { useEffect, useState } from 'react';
import type { CheckpointSummary, LabWorkerApi } from '../../protocol/api.ts';
import type { RunRecord } from './runRecord.ts';

/** The newest run that a page reload interrupted and that has a stored checkpoint to continue from. */
export function resumableRun(runs: readonly RunRecord[], checkpoints: readonly CheckpointSummary[]): { run: RunRecord; checkpoint: CheckpointSummary } | undefined {
  for (const run of runs) {
    if (run.status !== 'stopped' || run.step >= run.config.steps) continue;
    const checkpoint = checkpoints.find((c) => c.runId === run.id && c.step < c.steps);
    if (checkpoint) return { run, checkpoint };
  }
  return undefined;
}

/** Props of the resume offer. */
export interface InterruptedRunProps {
  api?: Pick<LabWorkerApi, 'listCheckpoints'>;
  runs: readonly RunRecord[];
  disabled: boolean;
  /** Continue `run` from `checkpoint` (its step, and its training time when the checkpoint kept one). */
  onResume(run: RunRecord, checkpoint: CheckpointSummary): void;
}

/** "Resume" for a run left unfinished (stopped, or cut off by a reload) whose checkpoint is stored. */
export function InterruptedRun({ api, runs, disabled, onResume }: InterruptedRunProps) {
  const [checkpoints, setCheckpoints] = useState<CheckpointSummary[]>([]);
  useEffect(() => {
    if (!api || disabled) return;
    let live = true;
    api.listCheckpoints().then((list) => live && setCheckpoints(list), () => undefined);
    return () => {
      live = false;
    };
  }, [api, disabled, runs.length]);
  const offer = resumableRun(runs, checkpoints);
  if (!offer) return null;
  const { run, checkpoint } = offer;
  return (
    <p className="notice">
      {run.label} stopped at step {run.step} of {run.config.steps}; a checkpoint from step {checkpoint.step} is stored.{' '}
      <button type="button" disabled={disabled} onClick={() => onResume(run, checkpoint)}>
        Resume from step {checkpoint.step}
      </button>
    </p>
  );
}
