import { describe, expect, it } from 'vitest';
import { RUN_LOCK_PREFIX, runLockName, runsTrainingFrom } from '../../../src/core/runLock.ts';

describe('run locks', () => {
  it('names a run lock after the run and reads run ids back from held lock names, ignoring other locks', () => {
    expect(runLockName('run-1-abc')).toBe(`${RUN_LOCK_PREFIX}run-1-abc`);
    expect(runsTrainingFrom([runLockName('run-1-abc'), 'some-other-lock', undefined, runLockName('run-2')])).toEqual(new Set(['run-1-abc', 'run-2']));
  });
});
