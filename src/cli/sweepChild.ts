/**
 * The child process of `lab sweep`: receives one SweepRunSpec over IPC, trains it (src/cli/sweepRun.ts),
 * reports progress and then the summary (or the error) back, and exits. Not a command of its own.
 */
import type { SweepRunSummary } from '../core/findings.ts';
import type { SweepRunSpec } from '../core/sweep.ts';
import { runSweepRun } from './sweepRun.ts';

/** Messages a sweep child sends to its parent. */
export type SweepChildMessage = { type: 'progress'; step: number } | { type: 'summary'; summary: SweepRunSummary } | { type: 'error'; message: string };

const send = (message: SweepChildMessage): Promise<void> => new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));

// The parent is gone (killed, or its terminal closed): nobody will read this run's result, so stop training now.
process.on('disconnect', () => process.exit(1));

process.once('message', (spec: SweepRunSpec) => {
  void (async () => {
    try {
      const summary = await runSweepRun(spec, (event) => {
        if (event.type === 'step') void send({ type: 'progress', step: event.points.step.at(-1) ?? 0 });
      });
      await send({ type: 'summary', summary });
    } catch (err) {
      await send({ type: 'error', message: (err as Error).message });
    }
    // tfjs and the wasm module may keep handles open: exit rather than wait for the event loop to drain.
    process.exit(0);
  })();
});
