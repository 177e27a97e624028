import { useEffect, useState } from 'react';
import { runsTrainingFrom } from '../../core/runLock.ts';
import type { CheckpointSummary, LabWorkerApi } from '../../protocol/api.ts';
import type { RunRecord } from './runRecord.ts';

/**
 * The newest run that a page reload interrupted and that has a stored checkpoint to continue from, leaving out runs
 * that are training now in another tab (`trainingNow`, their Web Locks).
 */
export function resumableRun(
  runs: readonly RunRecord[],
  checkpoints: readonly CheckpointSummary[],
  trainingNow: ReadonlySet<string> = new Set(),
): { run: RunRecord; checkpoint: CheckpointSummary } | undefined {
  for (const run of runs) {
    if (run.status !== 'stopped' || run.step >= run.config.steps || trainingNow.has(run.id)) continue;
    const checkpoint = checkpoints.find((c) => c.runId === run.id && c.step < c.steps);
    if (checkpoint) return { run, checkpoint };
  }
  return undefined;
}

/** How often the offer looks again for runs training in other tabs. */
const TRAINING_ELSEWHERE_POLL_MS = 3000;

/** Ids of the runs training now in any tab of the lab (held run locks); none where the browser has no Web Locks. */
async function runsTrainingNow(): Promise<ReadonlySet<string>> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return new Set();
  const { held = [] } = await locks.query();
  return runsTrainingFrom(held.map((lock) => lock.name));
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
  const [trainingNow, setTrainingNow] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (!api || disabled) return;
    let live = true;
    api.listCheckpoints().then(
      (list) => live && setCheckpoints(list),
      () => undefined,
    );
    runsTrainingNow().then(
      (ids) => live && setTrainingNow(ids),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, disabled, runs.length]);
  const offer = resumableRun(runs, checkpoints, trainingNow);
  // Listed as cut off (this page found it unfinished), yet another tab trains it now.
  const elsewhere = disabled ? undefined : runs.find((r) => r.status === 'stopped' && trainingNow.has(r.id));
  // It becomes resumable here when that tab stops or closes, and no event says so: look again, while there is one.
  const elsewhereId = elsewhere?.id;
  useEffect(() => {
    if (!elsewhereId) return;
    let live = true;
    const timer = setInterval(() => {
      runsTrainingNow().then(
        (ids) => live && setTrainingNow(ids),
        () => undefined,
      );
    }, TRAINING_ELSEWHERE_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [elsewhereId]);
  if (!offer && !elsewhere) return null;
  return (
    <>
      {elsewhere && (
        <p className="notice" role="status">
          {elsewhere.label} is training in another tab of the lab: it can be resumed here once that tab stops it or closes.
        </p>
      )}
      {offer && (
        <p className="notice">
          {offer.run.label} stopped at step {offer.run.step} of {offer.run.config.steps}; a checkpoint from step {offer.checkpoint.step} is stored.{' '}
          <button type="button" disabled={disabled} onClick={() => onResume(offer.run, offer.checkpoint)}>
            Resume from step {offer.checkpoint.step}
          </button>
        </p>
      )}
    </>
  );
}
