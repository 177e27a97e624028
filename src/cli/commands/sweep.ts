/**
 * `npm run --silent lab -- sweep [--seed S] [--jobs N] [--set report|domain] [--scale demo|micro]`: trains a
 * sweep's presets (the report's five losses, or the two domain presets) at the demo scale in Node on wasm,
 * `--jobs` runs at a time in separate processes, and prints ONE JSON object:
 * {"seed", "set", "scale", "runs": [{"preset", "loss", "auc", "eer", "trainAccuracy", "firstLoss", "lastLoss",
 * "collapsed", "seconds", "classes"}, …], "findings": [{"id", "title", "report", "holds", "detail"}, …], "seconds"}
 * (plus "errors" when a run failed).
 * Progress goes to stderr. Exit code: 0 when every run finished (whether or not the findings hold), 1 when a
 * run failed, 2 on bad usage.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { evaluateFindings, SWEEP_SETS, type SweepRunSummary, type SweepSet } from '../../core/findings.ts';
import { SWEEP_SCALES, sweepRuns, type SweepRunSpec, type SweepScale } from '../../core/sweep.ts';
import { UsageError, intOption, parseOptions } from '../args.ts';
import { mapLimited } from '../mapLimited.ts';
import type { SweepChildMessage } from '../sweepChild.ts';

export const summary = "train the report's sweep (five losses, or the two domains) on wasm and check its findings; one JSON object";

const USAGE = 'usage: lab sweep [--seed S] [--jobs N] [--set report|domain] [--scale demo|micro]';

const CHILD = fileURLToPath(new URL('../sweepChild.ts', import.meta.url));

/** Trains one run in a child process (inheriting the tsx loader), relaying progress to `onProgress`. */
function runInChild(spec: SweepRunSpec, onProgress: (step: number) => void): Promise<SweepRunSummary> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      // The result is in (or the run failed): the process has nothing more to do, whatever it is still holding.
      if (child.exitCode === null) child.kill();
      fn();
    };
    child.on('message', (message: SweepChildMessage) => {
      if (message.type === 'progress') onProgress(message.step);
      else if (message.type === 'summary') settle(() => resolve(message.summary));
      else settle(() => reject(new Error(`${spec.preset}: ${message.message}`)));
    });
    child.on('error', (err) => settle(() => reject(err)));
    child.on('exit', (code, signal) => settle(() => reject(new Error(`${spec.preset}: the run's process exited (${signal ?? `code ${code}`}) without a result`))));
    child.send(spec);
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string' },
    set: { type: 'string', default: 'report' },
    scale: { type: 'string', default: 'demo' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
  const seed = intOption(values.seed, 'seed', 0, 0xffffffff);
  const jobs = values.jobs === undefined ? Math.max(1, availableParallelism()) : intOption(values.jobs, 'jobs', 1, 64);
  const set = values.set as SweepSet;
  if (!SWEEP_SETS.includes(set)) throw new UsageError(`--set must be one of ${SWEEP_SETS.join(', ')}, got '${values.set}'`);
  const scale = values.scale as SweepScale;
  if (!SWEEP_SCALES.includes(scale)) throw new UsageError(`--scale must be one of ${SWEEP_SCALES.join(', ')}, got '${values.scale}'`);

  const specs = sweepRuns(set, seed, scale);
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`lab sweep: ${line}\n`);
  log(`${specs.length} runs (${specs.map((s) => s.preset).join(', ')}), seed ${seed}, ${jobs} at a time`);
  // Settled rather than rejected: one failed run must not lose the others' results.
  const results = await mapLimited(specs, jobs, (spec): Promise<PromiseSettledResult<SweepRunSummary>> => {
    log(`${spec.preset}: started`);
    let reported = 0;
    return runInChild(spec, (step) => {
      // One progress line per quarter of the run.
      const quarter = Math.floor((4 * (step + 1)) / spec.config.steps);
      if (quarter > reported) {
        reported = quarter;
        log(`${spec.preset}: step ${step + 1} / ${spec.config.steps}`);
      }
    }).then(
      (s) => {
        log(`${spec.preset}: AUC ${s.auc.toFixed(4)}, training accuracy ${(100 * s.trainAccuracy).toFixed(1)}%, ${s.seconds.toFixed(0)} s`);
        return { status: 'fulfilled', value: s };
      },
      (reason: unknown) => ({ status: 'rejected', reason }),
    );
  });
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  for (const message of failures) log(`failed: ${message}`);
  const runs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const out = { seed, set, scale, runs, findings: evaluateFindings(runs), seconds: (performance.now() - started) / 1000, ...(failures.length ? { errors: failures } : {}) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return failures.length ? 1 : 0;
}
