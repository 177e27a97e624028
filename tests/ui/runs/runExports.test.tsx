/** Run exports: the table's angles in the CSV, the loss curves in both exports, TAR@FAR only where resolvable. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { float32Text, lossCurvesToCsv, runsToCsv, runsToJson } from '../../../src/ui/runs/exportRuns.ts';
import { applyTrainEvent } from '../../../src/ui/runs/applyEvent.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import { makeRun } from '../fixtures.ts';

const download = vi.hoisted(() => ({ downloadText: vi.fn(), downloadBlob: vi.fn() }));
vi.mock('../../../src/ui/download.ts', () => download);
const { RunExports } = await import('../../../src/ui/runs/RunExports.tsx');

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const STATS = { intraMeanDeg: 21.25, interMeanDeg: 80, interMinDeg: 40, positiveMeanDeg: 30, positiveMinDeg: 5, negativeMeanDeg: 85, negativeMinDeg: 50 };

/** A run whose latest evaluation has `negatives` negative pairs, TAR 0.5 at FAR 1e-3 and 0.9 at 0.1, and angle statistics. */
function evaluatedRun(id: string, negatives: number): RunRecord {
  const run = makeRun(id, { auc: 0.8, label: `Run ${id}` });
  const last = run.lastEval!;
  return applyTrainEvent(run, {
    ...last,
    type: 'eval',
    runId: id,
    step: 4,
    flipEval: false,
    seconds: 1,
    angleStats: STATS,
    metrics: { ...last.metrics, negatives, tarAtFar: { '0.1': 0.9, '0.001': 0.5 } },
  });
}

/** Rows of a CSV without quoted line breaks, as objects by header. */
function csvRows(csv: string): Record<string, string>[] {
  const [head, ...rows] = csv
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  return rows.map((row) => Object.fromEntries(head.map((name, i) => [name, row[i]])));
}

describe('metrics CSV', () => {
  it('appends negative pairs and the table’s intra and inter angles, keeping the earlier columns in place', () => {
    const csv = runsToCsv([evaluatedRun('a', 5000), makeRun('b')]);
    const head = csv.split('\r\n')[0].split(',');
    expect(head.slice(-5)).toEqual(['warnings', 'message', 'negative_pairs', 'intra_mean_deg', 'inter_mean_deg']);
    const [a, b] = csvRows(csv);
    expect(a).toMatchObject({ negative_pairs: '5000', intra_mean_deg: '21.25', inter_mean_deg: '80', 'tar_at_far_0.001': '0.5', 'tar_at_far_0.1': '0.9' });
    expect(b).toMatchObject({ negative_pairs: '', intra_mean_deg: '', inter_mean_deg: '' });
  });

  it('leaves a TAR empty when the evaluation’s negatives cannot resolve its FAR', () => {
    const [row] = csvRows(runsToCsv([evaluatedRun('a', 20)]));
    expect(row).toMatchObject({ negative_pairs: '20', 'tar_at_far_0.001': '', 'tar_at_far_0.1': '0.9' });
  });
});

describe('metrics JSON', () => {
  it('writes null for an unresolvable TAR, in the final metrics and every evaluation, and says why', () => {
    const data = JSON.parse(runsToJson([evaluatedRun('a', 20)])) as {
      notes: Record<string, string>;
      runs: { final: { metrics: { tarAtFar: Record<string, number | null> } }; evals: { metrics: { tarAtFar: Record<string, number | null> } }[] }[];
    };
    const [run] = data.runs;
    expect(run.final.metrics.tarAtFar).toEqual({ '0.1': 0.9, '0.001': null });
    expect(run.evals.at(-1)!.metrics.tarAtFar).toEqual({ '0.1': 0.9, '0.001': null });
    expect(data.notes.tarAtFar).toMatch(/fewer than 1\/FAR negative pairs/);
  });
});

describe('loss curves CSV', () => {
  it('has one row per run and step with every step column, float32 values printed short', () => {
    const a = makeRun('a', { steps: 3, label: 'Alpha' });
    a.history.lr[1] = Math.fround(0.1);
    a.history.loss[2] = Number.NaN;
    const named = { ...makeRun('b', { steps: 2, label: 'Bravo' }), number: 2, name: 'mine, renamed' };
    const csv = lossCurvesToCsv([a, named, { ...makeRun('c', { steps: 0 }) }]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('run_id,run_number,run_label,step,loss,cross_entropy,intra_penalty,regularization,accuracy,theta_deg,lr,margin_ramp,grad_norm,images_per_sec');
    expect(lines.slice(1, -1)).toEqual([
      'a,,Alpha,0,5,5,0,0,0,90,0,0,0,100',
      'a,,Alpha,1,4,4,0,0,0.1,89,0.1,0,0,100',
      'a,,Alpha,2,,3,0,0,0.2,88,0,0,0,100',
      'b,2,"mine, renamed",0,5,5,0,0,0,90,0,0,0,100',
      'b,2,"mine, renamed",1,4,4,0,0,0.1,89,0,0,0,100',
    ]);
    expect(lines.at(-1)).toBe('');
    expect(float32Text(Math.fround(1 / 3))).toBe('0.33333334');
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
  });
});

describe('RunExports', () => {
  it('keeps the two metrics buttons, puts the step history in the JSON and adds the loss-curve CSV', () => {
    const runs = [makeRun('a', { steps: 3 })];
    render(<RunExports runs={runs} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export metrics CSV' }));
    expect(download.downloadText).toHaveBeenLastCalledWith('margin-lab-runs.csv', runsToCsv(runs), 'text/csv;charset=utf-8');
    fireEvent.click(screen.getByRole('button', { name: 'Export metrics JSON' }));
    const [name, json] = download.downloadText.mock.lastCall as [string, string];
    expect(name).toBe('margin-lab-runs.json');
    expect((JSON.parse(json) as { runs: { history: Record<string, number[]> }[] }).runs[0].history.loss).toEqual([5, 4, 3]);
    fireEvent.click(screen.getByRole('button', { name: 'Export loss curves (CSV)' }));
    expect(download.downloadText).toHaveBeenLastCalledWith('margin-lab-loss-curves.csv', lossCurvesToCsv(runs), 'text/csv;charset=utf-8');
  });

  it('is disabled without runs', () => {
    render(<RunExports runs={[]} />);
    expect(screen.getAllByRole('button').every((b) => (b as HTMLButtonElement).disabled)).toBe(true);
  });
});
