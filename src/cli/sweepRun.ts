/**
 * One run of `lab sweep`, in its own Node process (src/cli/sweepChild.ts) so runs train in parallel on
 * separate cores: trains the spec's config on its built-in data with the lab's engine on wasm, evaluates on
 * the unseen-identity test pairs, and summarises the run for the findings.
 */
import { summarizeRun, type SweepRunSummary } from '../core/findings.ts';
import type { SweepRunSpec } from '../core/sweep.ts';
import type { TrainEvent } from '../protocol/events.ts';
import { startBackend } from './commands/train.ts';
import { builtinSets } from './trainData.ts';

/** Trains `spec` to its end and returns its summary; `onEvent` sees every engine event (progress). */
export async function runSweepRun(spec: SweepRunSpec, onEvent: (event: TrainEvent) => void = () => undefined): Promise<SweepRunSummary> {
  const { config } = spec;
  const { train, test } = builtinSets(config.model.inputSize, spec.data);
  await startBackend('wasm');
  const { TrainingSession } = await import('../ml/train/session.ts');
  const { itemBatchSource, makeTestSet } = await import('../ml/train/data.ts');
  const session = await TrainingSession.create(config, train.identities, { runId: `sweep-${spec.preset}-${config.seed}` });
  const started = performance.now();
  let final: { auc: number; eer: number } | null = null;
  let collapsed = false;
  let failure: string | null = null;
  try {
    const result = await session.run(
      itemBatchSource(train.set, train.identities),
      (event) => {
        if (event.type === 'eval') final = { auc: event.metrics.auc, eer: event.metrics.eer };
        if (event.type === 'warning' && event.code === 'collapse') collapsed = true;
        if (event.type === 'diverged') failure = event.message;
        onEvent(event);
      },
      { test: makeTestSet(test.set, config.evalPairs, config.seed) },
    );
    if (result.reason !== 'completed') throw new Error(`run ${spec.preset} ended ${result.reason}${failure ? `: ${failure}` : ''}`);
    const evaluated = final as { auc: number; eer: number } | null;
    if (!evaluated) throw new Error(`run ${spec.preset} finished without an evaluation`);
    return summarizeRun({
      preset: spec.preset,
      loss: config.loss.kind,
      batchSize: config.batchSize,
      losses: session.history.map((p) => p.loss),
      accuracy: session.history.map((p) => p.accuracy),
      auc: evaluated.auc,
      eer: evaluated.eer,
      collapsed,
      seconds: (performance.now() - started) / 1000,
      classes: train.identities,
    });
  } finally {
    session.dispose();
  }
}
