import { useMemo, useState } from 'react';
import { FINDING_THRESHOLDS } from '../../core/findings.ts';
import type { ExperimentPreset } from '../../core/presets.ts';
import type { BackendName } from '../../protocol/api.ts';
import { AngleHistogram, RocCurve } from '../panels/Figures.tsx';
import type { RunRecord } from '../runs/runRecord.ts';
import type { SweepJob } from '../worker/sweepPool.ts';
import { findingsTable, MAX_REPRODUCE_SEEDS, parseSeedCount, presetsForSeeds, reproducePresets, seedsTable, seedsUpTo, VERDICT_TEXT } from './findingsTable.ts';
import { OverSeeds } from './OverSeeds.tsx';
import { SweepProgress, sweepModeText } from './SweepProgress.tsx';
import './report.css';

/** Props of the "Reproduce the report" panel. */
export interface ReproduceReportProps {
  /** Every run the lab keeps; the panel picks the newest completed run of each sweep preset. */
  runs: readonly RunRecord[];
  /** Whether the user's folders are loaded (runs then train on them, and the domain pair is left out). */
  foldersLoaded: boolean;
  /** The loaded folders' data label, which their runs carry: "Over seeds" reads only runs on the data in use. */
  folderLabel?: string;
  disabled: boolean;
  /** Train these presets (App's queue, or parallel workers when `parallelJobs` > 1). */
  onRun(presets: readonly ExperimentPreset[]): void;
  /** Runs the sweep trains at once (1: one after another; default 1). */
  parallelJobs?: number;
  /** The main worker's backend, for the mode line (absent while it starts). */
  backend?: BackendName;
  /** A sweep is training (either way): the panel offers "Stop the sweep". */
  sweepRunning?: boolean;
  /** Each parallel run's progress (the last parallel sweep's once it ended). */
  sweepJobs?: readonly SweepJob[];
  onStop?(): void;
}

/** "29 Nov 2026, 10:00": when a run started, in the reader's locale. */
function startedText(startedAt: string): string {
  const date = new Date(startedAt);
  return Number.isNaN(date.getTime()) ? startedAt : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * "Reproduce the report": one button trains the report's sweep, and a checklist says which of the report's
 * findings the newest completed runs show, next to their ROC curves and angle histograms.
 */
export function ReproduceReport({ runs, foldersLoaded, folderLabel, disabled, onRun, parallelJobs = 1, backend, sweepRunning = false, sweepJobs, onStop }: ReproduceReportProps) {
  const table = useMemo(() => findingsTable(runs), [runs]);
  const lossDataLabel = foldersLoaded ? folderLabel : undefined;
  const overSeeds = useMemo(() => seedsTable(runs, lossDataLabel), [runs, lossDataLabel]);
  // The field's text as typed (an empty field while retyping is fine); the count is read from it.
  const [seedText, setSeedText] = useState('1');
  const seedCount = parseSeedCount(seedText);
  const presets = reproducePresets(foldersLoaded);
  // One seed trains the sweep as its presets are (each press anew, as a live demo expects); several train seeds 1…N,
  // less the runs kept for them.
  const toTrain = seedCount === undefined ? [] : seedCount > 1 ? presetsForSeeds(presets, seedsUpTo(seedCount), runs, lossDataLabel) : presets;
  const done = table.rows.filter((r) => r.verdict !== 'not-run').length;
  const mode = sweepModeText(parallelJobs, backend);

  return (
    <section className="panel report-panel" aria-labelledby="report-heading">
      <h2 id="report-heading">Reproduce the report</h2>
      <p className="help">
        Trains the report&apos;s five losses at the Quick demo scale{foldersLoaded ? '' : ', then the same model on two populations of faces'},{' '}
        {parallelJobs > 1 ? 'several at a time' : 'one after another'}, and checks each finding against what the runs measure. &quot;Clearly higher&quot; means at least{' '}
        {FINDING_THRESHOLDS.clearAucGap} of AUC.
      </p>
      {foldersLoaded && (
        <p className="notice">
          Your folders are loaded: the five losses train on them. The domain finding needs the built-in populations, so its two runs are left out (clear the folders to run them).
        </p>
      )}
      <div className="buttons">
        <label>
          Seeds{' '}
          <input type="number" min={1} max={MAX_REPRODUCE_SEEDS} step={1} value={seedText} aria-invalid={seedCount === undefined} onChange={(e) => setSeedText(e.target.value)} />
        </label>
        <button type="button" disabled={disabled || toTrain.length === 0} onClick={() => onRun(toTrain)} title={toTrain.map((p) => p.name).join(' → ')}>
          Reproduce the report
        </button>
      </div>
      {seedCount === undefined && (
        <p className="warning" role="note" aria-label="Seeds to train">
          Seeds: a whole number from 1 to {MAX_REPRODUCE_SEEDS}.
        </p>
      )}
      {seedCount !== undefined && seedCount > 1 && (
        <p className="help" role="note" aria-label="Seeds to train">
          {toTrain.length === 0
            ? `Every run of seeds 1–${seedCount} is done.`
            : `Seeds 1–${seedCount}: ${toTrain.length} of ${presets.length * seedCount} runs to train (runs already finished for a seed are kept, not trained again).`}
        </p>
      )}
      {mode && (
        <p className="help" role="note" aria-label="Sweep mode">
          Trains {mode}.
        </p>
      )}
      <SweepProgress jobs={sweepJobs} running={sweepRunning} onStop={() => onStop?.()} />
      <div className="report-table-wrap">
        <table className="report-findings">
          <caption>Findings</caption>
          <thead>
            <tr>
              <th scope="col">Finding</th>
              <th scope="col">What the report saw</th>
              <th scope="col">What this sweep measured</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.title}</th>
                <td>{row.report}</td>
                <td>{row.measured}</td>
                <td className={`verdict verdict-${row.verdict}`}>{VERDICT_TEXT[row.verdict]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.sources.length > 0 ? (
        <div aria-label="Runs behind the verdicts" role="group">
          <p>
            {done} of {table.rows.length} findings checked, from the newest finished run of each preset:
          </p>
          <ul className="report-sources">
            {table.sources.map((run) => (
              <li key={run.id}>
                {run.label}: started {startedText(run.startedAt)}, {run.dataLabel}, seed {run.config.seed}
              </li>
            ))}
          </ul>
          {table.notes.map((note) => (
            <p key={note} className="warning">
              {note}
            </p>
          ))}
        </div>
      ) : (
        <p className="help" role="note" aria-label="No sweep runs">
          No finished sweep runs yet:{' '}
          {toTrain.length > 0 ? `press Reproduce the report (about ${toTrain.length} × a few minutes).` : 'press Reproduce the report once Seeds is a whole number.'}
        </p>
      )}
      {overSeeds && <OverSeeds summary={overSeeds} />}
      {table.sources.length > 0 && (
        <div className="report-figures">
          <RocCurve runs={table.sources} name="Report sweep ROC curve" />
          <AngleHistogram runs={table.sources} name="Report sweep angle histogram" />
        </div>
      )}
    </section>
  );
}
