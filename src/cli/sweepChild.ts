/**
 * The child process of `lab sweep`: receives one SweepRunSpec over IPC, trains it (src/cli/sweepRun.ts),
 * reports progress and then the summary (or the error) back, and exits. Not a command of its own.
 */
import type { SweepRunSummary } from '../core/findings.ts';
import type { SweepRunSpec } from '../core/sweep.ts';
import { runSweepRun } from './sweepRun.ts';

/** Messages a sweep child sends to its parent. */
export type SweepChildMessage =
  | { type: 'progress'; step: number; steps: number }
  | { type: 'summary'; summary: SweepRunSummary }
  | { type: 'error'; message: string };

const send = (message: SweepChildMessage): Promise<void> => new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));

process.once('message', (spec: SweepRunSpec) => {
  void (async () => {
    try {
      const summary = await runSweepRun(spec, (event) => {
        if (event.type === 'step') void send({ type: 'progress', step: event.points.step.at(-1) ?? 0, steps: spec.config.steps });
      });
      await send({ type: 'summary', summary });
    } catch (err) {
      await send({ type: 'error', message: (err as Error).message });
    }
    process.disconnect?.();
  })();
});
