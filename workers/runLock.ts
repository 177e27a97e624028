/**
 * Holding a run's Web Lock (src/core/runLock.ts) for as long as it trains in this worker.
 */
import { runLockName } from '../src/core/runLock.ts';

/** The part of the Web Locks API used here (navigator.locks in a worker; tests pass their own). */
export type RunLocks = Pick<LockManager, 'request'>;

/**
 * Takes run `runId`'s lock if no one holds it: resolves with the function that releases it, or with undefined when
 * another holder (a run training in another tab) has it. Without a lock manager (older browsers, Node) every run
 * gets a release that does nothing: one tab cannot then be told from two, as before the lock existed.
 */
export function acquireRunLock(locks: RunLocks | undefined, runId: string): Promise<(() => void) | undefined> {
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    locks
      .request(runLockName(runId), { ifAvailable: true }, async (lock) => {
        if (!lock) return resolve(undefined);
        resolve(release);
        // The lock is held until this callback's promise settles.
        await released;
      })
      .catch(reject);
  });
}
