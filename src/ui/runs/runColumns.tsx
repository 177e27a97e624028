/**
 * The runs table's columns: header, tooltip, sort value and cell of each, and the formatting of their figures.
 */
import type { ReactNode } from 'react';
import { resolvedTar } from '../../core/farResolution.ts';
import { configSummary, finalEval, TABLE_TAR_FAR } from './exportRuns.ts';
import type { RunRecord, RunStatus } from './runRecord.ts';
import { RunMessage } from './RunMessage.tsx';
import { RunNameCell } from './RunNameCell.tsx';
import { formatDegrees, latestAngleStats } from '../teach/teachTraces.ts';

/** What a cell needs beyond its run: the labels of the whole list (they depend on the other runs). */
export interface CellContext {
  label: string;
  generatedLabel: string;
  onRename?: (id: string, name: string) => void;
}

type SortValue = number | string | undefined;

/** A sort order. */
export type SortDirection = 'ascending' | 'descending';

/** One column of the table. */
export interface Column {
  header: string;
  /** Tooltip on the header: what the figure means. */
  title?: string;
  value: (run: RunRecord, context: CellContext) => SortValue;
  cell: (run: RunRecord, context: CellContext) => ReactNode;
  numeric?: boolean;
}

const DASH = '—';

/** AUC with 4 decimals. */
export function formatAuc(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? DASH : value.toFixed(4);
}

/** A fraction in [0, 1] as a percentage with `digits` decimals ("97.25%"). */
export function formatPercent(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? DASH : `${(value * 100).toFixed(digits)}%`;
}

/** Seconds as "42 s", "3:07" or "1:02:03". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return DASH;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const metrics = (run: RunRecord) => finalEval(run)?.metrics;

/** The table's TAR of a run's latest evaluation, withheld (with the reason) when its negatives cannot resolve the FAR. */
function tableTar(run: RunRecord): { value?: number; problem?: string } {
  const m = metrics(run);
  return m ? resolvedTar(m, TABLE_TAR_FAR) : {};
}

/** "n/a" with the reason as its tooltip (an abbr's title is also read out), rather than a TAR measured at FAR 0. */
function TarCell({ run }: { run: RunRecord }) {
  const { value, problem } = tableTar(run);
  if (!problem) return formatPercent(value);
  return (
    <abbr className="tar-unresolved" title={problem}>
      n/a
    </abbr>
  );
}

const STATUS_TEXT: Record<RunStatus, string> = {
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  stopped: 'Stopped',
  diverged: 'Diverged',
  error: 'Error',
};

function StatusCell({ run }: { run: RunRecord }) {
  const progress = run.status === 'running' || run.status === 'paused' || run.status === 'stopped' ? ` · step ${run.step}/${run.config.steps}` : '';
  return (
    <>
      <span className={`run-status run-status-${run.status}`}>
        {STATUS_TEXT[run.status]}
        {progress}
      </span>
      {run.warnings.map((warning, i) => (
        <div key={`${warning.code}-${warning.step}-${i}`} className={`run-warning run-warning-${warning.code}`} role="note">
          <span aria-hidden="true">⚠ </span>
          <span className="visually-hidden">Warning: </span>
          {warning.message} (step {warning.step})
        </div>
      ))}
      {run.message && <RunMessage message={run.message} />}
    </>
  );
}

/** The columns after "Show on plots", in order. */
export const COLUMNS: readonly Column[] = [
  {
    header: 'Run',
    value: (_r, c) => c.label,
    cell: (r, c) => <RunNameCell run={r} label={c.label} generatedLabel={c.generatedLabel} onRename={c.onRename} />,
  },
  {
    header: 'Config',
    value: (r) => r.pretrained ?? configSummary(r.config),
    cell: (r) => (
      <>
        {r.pretrained ?? configSummary(r.config)}
        {r.changedMidRun && <div className="run-changed">changed mid-run ({r.liveChanges?.length ?? 0}×): not comparable to an unchanged run</div>}
      </>
    ),
  },
  {
    header: 'AUC',
    title: 'Area under the ROC curve of the latest evaluation (1 = every pair ranked right)',
    value: (r) => metrics(r)?.auc,
    cell: (r) => formatAuc(metrics(r)?.auc),
    numeric: true,
  },
  {
    header: 'EER',
    title: 'Equal error rate: where false accepts and false rejects are equally frequent (lower is better)',
    value: (r) => metrics(r)?.eer,
    cell: (r) => formatPercent(metrics(r)?.eer),
    numeric: true,
  },
  {
    header: 'TAR@FAR=1e-3',
    title:
      'Share of same-person pairs accepted at the threshold that accepts 0.1% of different-person pairs ' +
      '(n/a when the evaluation had fewer than 1000 different-person pairs: too few to measure a 0.1% rate)',
    value: (r) => tableTar(r).value,
    cell: (r) => <TarCell run={r} />,
    numeric: true,
  },
  {
    header: 'Best acc.',
    title: 'Verification accuracy at the best single threshold on the test pairs',
    value: (r) => metrics(r)?.bestAccuracy,
    cell: (r) => formatPercent(metrics(r)?.bestAccuracy),
    numeric: true,
  },
  {
    header: '10-fold acc.',
    title: 'LFW protocol: threshold chosen on 9 folds, accuracy on the 10th; mean ± standard deviation',
    value: (r) => metrics(r)?.tenFoldMean,
    cell: (r) => {
      const m = metrics(r);
      return m ? `${formatPercent(m.tenFoldMean)} ± ${formatPercent(m.tenFoldStd)}` : DASH;
    },
    numeric: true,
  },
  {
    header: 'Intra',
    title: 'Mean angle between held-out features and their class centre at the latest evaluation (ArcFace table; smaller = tighter classes)',
    value: (r) => latestAngleStats(r)?.intraMeanDeg,
    cell: (r) => formatDegrees(latestAngleStats(r)?.intraMeanDeg),
    numeric: true,
  },
  {
    header: 'Inter',
    title: 'Mean angle between class centres at the latest evaluation (larger = classes further apart)',
    value: (r) => latestAngleStats(r)?.interMeanDeg,
    cell: (r) => formatDegrees(latestAngleStats(r)?.interMeanDeg),
    numeric: true,
  },
  { header: 'Time', title: 'Training wall time', value: (r) => r.seconds, cell: (r) => formatDuration(r.seconds), numeric: true },
  { header: 'Backend', value: (r) => r.backend, cell: (r) => r.backend },
  { header: 'Status', value: (r) => r.status, cell: (r) => <StatusCell run={r} /> },
];

/** Orders by one column; runs without a value (no evaluation yet, NaN) go last in either direction. */
export function compareBy(column: Column, direction: SortDirection, context: (run: RunRecord) => CellContext) {
  const sign = direction === 'ascending' ? 1 : -1;
  return (a: RunRecord, b: RunRecord): number => {
    const x = column.value(a, context(a));
    const y = column.value(b, context(b));
    const xMissing = x === undefined || (typeof x === 'number' && Number.isNaN(x));
    const yMissing = y === undefined || (typeof y === 'number' && Number.isNaN(y));
    if (xMissing || yMissing) return xMissing === yMissing ? 0 : xMissing ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y), undefined, { numeric: true });
  };
}
