/**
 * The Web Lock a run holds while it trains. Every tab of the lab shares one origin, so the lock tells a tab that a run
 * it lists as interrupted is in fact training in another tab (resuming it there too would write two runs' steps and
 * checkpoints under one id). The worker holds it for as long as the run trains; a closed tab or a dead worker
 * releases it, which is exactly when the run becomes resumable.
 */

/** Prefix of the lock names; the rest is the run id. */
export const RUN_LOCK_PREFIX = 'margin-lab-run:';

/** The name of the lock run `runId` holds while it trains. */
export function runLockName(runId: string): string {
  return `${RUN_LOCK_PREFIX}${runId}`;
}

/** The run ids whose locks are among `heldNames` (from `navigator.locks.query()`). */
export function runsTrainingFrom(heldNames: Iterable<string | undefined>): Set<string> {
  const ids = new Set<string>();
  for (const name of heldNames) if (name?.startsWith(RUN_LOCK_PREFIX)) ids.add(name.slice(RUN_LOCK_PREFIX.length));
  return ids;
}
