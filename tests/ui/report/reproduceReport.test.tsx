/** "Reproduce the report": the findings checklist from stored runs, the runs it reads, and what its button trains. */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FINDING_DEFINITIONS, SWEEP_PRESET_IDS } from '../../../src/core/findings.ts';
import { DEMO_SWEEP, DOMAIN_PRESETS, findPreset, presetConfig } from '../../../src/core/presets.ts';
import type { EvalMetrics, StepPoints } from '../../../src/protocol/events.ts';
import { builtinDataLabel } from '../../../src/ui/data/presetData.ts';
import {
  chosenRunsBySeed,
  chosenSweepRuns,
  findingsTable,
  parseSeedCount,
  presetsForSeeds,
  reproducePresets,
  seedsTable,
  seedsUpTo,
} from '../../../src/ui/report/findingsTable.ts';
import { ReproduceReport } from '../../../src/ui/report/ReproduceReport.tsx';
import { emptyHistory } from '../../../src/ui/runs/applyEvent.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';

afterEach(cleanup);

interface Measured {
  auc: number;
  /** Training accuracy of every step. */
  accuracy?: number;
  /** Loss of the first step and of every later one. */
  loss?: [number, number];
}

let nextId = 1;

/** A run of sweep preset `presetId` that measured `m`, as the lab would have stored it. */
function sweepRun(presetId: string, m: Measured, patch: Partial<RunRecord> = {}): RunRecord {
  const preset = findPreset(presetId)!;
  const steps = 20;
  const history = emptyHistory();
  const columns = Object.fromEntries(Object.keys(history).map((k) => [k, new Float32Array(steps)])) as unknown as StepPoints;
  const [first, rest] = m.loss ?? [5, 2];
  for (let i = 0; i < steps; i++) {
    columns.step[i] = i;
    columns.loss[i] = i === 0 ? first : rest;
    columns.accuracy[i] = m.accuracy ?? 0.5;
  }
  const metrics: EvalMetrics = {
    pairs: 2000,
    positives: 1000,
    negatives: 1000,
    auc: m.auc,
    eer: 0.2,
    eerThreshold: 0.5,
    tarAtFar: { '0.001': 0.3 },
    bestAccuracy: 0.8,
    bestThreshold: 0.5,
    tenFoldMean: 0.8,
    tenFoldStd: 0.01,
  };
  const id = `run-${nextId++}`;
  return {
    id,
    label: preset.name,
    presetId,
    config: presetConfig(presetId),
    dataLabel: builtinDataLabel(preset.data),
    backend: 'webgpu',
    startedAt: '2026-03-01T10:00:00.000Z',
    seconds: 200,
    status: 'completed',
    step: steps,
    history: columns,
    evals: [{ step: steps, metrics }],
    warnings: [],
    lastEval: {
      step: steps,
      metrics,
      roc: { fpr: new Float32Array([0, 0.5, 1]), tpr: new Float32Array([0, 0.9, 1]), thresholds: new Float32Array([Infinity, 0.5, 0]) },
      angles: { binDeg: 60, positives: new Float32Array([3, 1, 0]), negatives: new Float32Array([0, 1, 3]) },
    },
    ...patch,
  };
}

/** A sweep in which every finding of the report holds. */
const holdingSweep = (): RunRecord[] => [
  sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.97 }),
  sweepRun('quick-softmax-intra', { auc: 0.82 }),
  sweepRun('quick-margin-30', { auc: 0.9 }),
  sweepRun('quick-margin-45', { auc: 0.86 }),
  sweepRun('quick-margin-60', { auc: 0.6, accuracy: 0.002, loss: [30, 25] }),
  sweepRun('domain-same', { auc: 0.88 }),
  sweepRun('domain-other', { auc: 0.8 }),
];

const verdicts = (runs: readonly RunRecord[]) => Object.fromEntries(findingsTable(runs).rows.map((r) => [r.id, r.verdict]));

describe('findingsTable', () => {
  it('gives a verdict for every finding from the measured numbers: all hold here', () => {
    expect(verdicts(holdingSweep())).toEqual(Object.fromEntries(FINDING_DEFINITIONS.map((d) => [d.id, 'holds'])));
  });

  it('says a finding did not hold when the numbers go the other way, leaving the others', () => {
    const runs = holdingSweep().map((r) => (r.presetId === 'quick-margin-45' ? sweepRun('quick-margin-45', { auc: 0.95 }) : r));
    const table = findingsTable(runs);
    const row = table.rows.find((r) => r.id === 'margin-45-below-30')!;
    expect(row.verdict).toBe('failed');
    expect(row.measured).toMatch(/AUC 45° 0\.950 vs 30° 0\.900/);
    expect(table.rows.filter((r) => r.verdict === 'holds')).toHaveLength(FINDING_DEFINITIONS.length - 1);
  });

  it('reads training accuracy and the loss from the step history: a 60° run that learned does not "fail to learn"', () => {
    const runs = holdingSweep().map((r) => (r.presetId === 'quick-margin-60' ? sweepRun('quick-margin-60', { auc: 0.7, accuracy: 0.4 }) : r));
    expect(verdicts(runs)['margin-60-fails']).toBe('failed');
  });

  it('judges 60° failing against chance when the run kept its identity count K (1.5% fails to learn at K = 100, not without K)', () => {
    const at = (patch: Partial<RunRecord>) =>
      findingsTable(holdingSweep().map((r) => (r.presetId === 'quick-margin-60' ? sweepRun('quick-margin-60', { auc: 0.5, accuracy: 0.015, loss: [60, 1] }, patch) : r))).rows.find(
        (row) => row.id === 'margin-60-fails',
      )!;
    expect(at({ classes: 100 })).toMatchObject({ verdict: 'holds', measured: expect.stringMatching(/fails below 2\.0%, chance 1\.0%/) });
    expect(at({}).verdict).toBe('failed');
  });

  it('"not run yet" for findings whose runs are missing, naming the runs they need', () => {
    const empty = findingsTable([]);
    expect(empty.rows.map((r) => r.verdict)).toEqual(FINDING_DEFINITIONS.map(() => 'not-run'));
    expect(empty.sources).toEqual([]);
    const lossesOnly = findingsTable(holdingSweep().filter((r) => r.presetId !== 'domain-other'));
    const domain = lossesOnly.rows.find((r) => r.id === 'same-domain-wins')!;
    expect(domain.verdict).toBe('not-run');
    expect(domain.measured).toMatch(/Other domain/);
    expect(domain.measured).not.toMatch(/Same domain/);
    expect(lossesOnly.rows.filter((r) => r.verdict === 'holds')).toHaveLength(FINDING_DEFINITIONS.length - 1);
  });

  it('reads the newest completed run of each preset; unfinished, changed or other-preset runs do not count', () => {
    const older = sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.97 }, { startedAt: '2026-03-01T09:00:00.000Z' });
    const newer = sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.5 }, { startedAt: '2026-03-02T09:00:00.000Z' });
    const ignored = [
      sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.99 }, { startedAt: '2026-03-03T09:00:00.000Z', status: 'stopped' }),
      sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.99 }, { startedAt: '2026-03-03T10:00:00.000Z', status: 'running' }),
      sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.99 }, { startedAt: '2026-03-03T11:00:00.000Z', changedMidRun: true }),
      sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.99 }, { startedAt: '2026-03-03T12:00:00.000Z', presetId: undefined }),
    ];
    const rest = holdingSweep().filter((r) => r.presetId !== 'quick-softmax');
    // The runs list is newest first in the app, but the order must not matter: try both.
    for (const runs of [[older, newer, ...ignored, ...rest], [...ignored, newer, older, ...rest].reverse()]) {
      expect(chosenSweepRuns(runs).get('quick-softmax')?.id).toBe(newer.id);
      expect(verdicts(runs)['softmax-fits-margin-generalises']).toBe('failed');
    }
    expect(verdicts([newer, older, ...rest].map((r) => (r === newer ? { ...r, startedAt: '2026-02-01T00:00:00.000Z' } : r)))['softmax-fits-margin-generalises']).toBe('holds');
  });

  it('counts domain runs only when they trained on their built-in populations, not on loaded folders', () => {
    const runs = holdingSweep().map((r) => (r.presetId === 'domain-other' ? { ...r, dataLabel: "folder 'faces': 20 identities" } : r));
    expect(verdicts(runs)['same-domain-wins']).toBe('not-run');
  });

  it('says when the runs differ in seed or in the data the losses trained on', () => {
    expect(findingsTable(holdingSweep()).notes).toEqual([]);
    const runs = holdingSweep().map((r) => {
      if (r.presetId === 'quick-margin-45') return { ...r, config: { ...r.config, seed: 7 } };
      if (r.presetId === 'quick-softmax') return { ...r, dataLabel: "folder 'faces'" };
      return r;
    });
    const notes = findingsTable(runs).notes.join('\n');
    expect(notes).toMatch(/different seeds: seed 1 \(.*\); seed 7 \(Quick · Margin 45°\)/);
    expect(notes).toMatch(/different data: folder 'faces' \(Quick · Softmax\)/);
  });

  it("gives no verdict from a run whose settings are not its preset's (a shared link, or a preset retuned since)", () => {
    const runs = holdingSweep().map((r) => (r.presetId === 'quick-margin-30' ? { ...r, config: { ...r.config, steps: 50 } } : r));
    const table = findingsTable(runs);
    expect(table.sources.map((r) => r.presetId)).not.toContain('quick-margin-30');
    for (const row of table.rows.filter((r) => ['margin-beats-intra-beats-softmax', 'margin-45-below-30', 'softmax-fits-margin-generalises'].includes(r.id))) {
      expect(row.verdict, row.id).toBe('not-run');
    }
  });
});

describe('ReproduceReport', () => {
  const renderPanel = (runs: readonly RunRecord[], foldersLoaded = false) => {
    const onRun = vi.fn();
    render(<ReproduceReport runs={runs} foldersLoaded={foldersLoaded} disabled={false} onRun={onRun} />);
    return onRun;
  };
  const verdictCells = () =>
    within(screen.getByRole('table', { name: 'Findings' }))
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.querySelector('td:last-child')?.textContent);

  it('"Reproduce the report" trains the five losses, then the two domain presets', () => {
    const onRun = renderPanel([]);
    expect(screen.getByRole('heading', { name: 'Reproduce the report' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Reproduce the report' }));
    expect(onRun).toHaveBeenCalledTimes(1);
    const presets = onRun.mock.calls[0][0] as typeof DEMO_SWEEP;
    expect(presets.map((p) => p.id)).toEqual([...SWEEP_PRESET_IDS.report, ...SWEEP_PRESET_IDS.domain]);
    expect(presets).toEqual([...DEMO_SWEEP, ...DOMAIN_PRESETS]);
  });

  it('with folders loaded it trains only the five losses, and says why', () => {
    const onRun = renderPanel([], true);
    fireEvent.click(screen.getByRole('button', { name: 'Reproduce the report' }));
    expect((onRun.mock.calls[0][0] as typeof DEMO_SWEEP).map((p) => p.id)).toEqual([...SWEEP_PRESET_IDS.report]);
    expect(reproducePresets(true)).toEqual(DEMO_SWEEP);
    expect(screen.getByText(/domain finding needs the built-in populations/)).toBeTruthy();
  });

  it('shows one row per finding with "not run yet" before any sweep run', () => {
    renderPanel([]);
    const rows = within(screen.getByRole('table', { name: 'Findings' })).getAllByRole('row');
    expect(rows.map((r) => r.querySelector('th')?.textContent).slice(1)).toEqual(FINDING_DEFINITIONS.map((d) => d.title));
    expect(verdictCells()).toEqual(FINDING_DEFINITIONS.map(() => 'not run yet'));
    expect(screen.queryByRole('figure')).toBeNull();
  });

  it('shows ✔ and ✘ verdicts, the runs they come from, and their overlaid figures', () => {
    const runs = holdingSweep().map((r) => (r.presetId === 'domain-same' ? sweepRun('domain-same', { auc: 0.7 }) : r));
    renderPanel(runs);
    expect(verdictCells()).toEqual(['✔ holds', '✔ holds', '✔ holds', '✔ holds', '✘ did not hold']);
    const sources = within(screen.getByRole('group', { name: 'Runs behind the verdicts' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(sources).toHaveLength(7);
    expect(sources[6]).toMatch(/^Other domain: started .*2026.*, built-in synthetic faces, population B → A, seed 1$/);
    expect(screen.getByRole('figure', { name: 'Report sweep ROC curve' })).toBeTruthy();
    expect(screen.getByRole('figure', { name: 'Report sweep angle histogram' })).toBeTruthy();
  });
});

/** `holdingSweep` trained with `seed`, with the intra run's AUC set (finding 1 fails when it is not above softmax's 0.8). */
const seededSweep = (seed: number, intraAuc = 0.82): RunRecord[] =>
  holdingSweep().map((r) => {
    const run = r.presetId === 'quick-softmax-intra' ? sweepRun('quick-softmax-intra', { auc: intraAuc }) : r;
    return { ...run, config: { ...run.config, seed } };
  });

describe('over seeds', () => {
  it('presetsForSeeds trains each preset at each seed, labelled with it, less the runs already kept for that seed', () => {
    const kept = seededSweep(1).filter((r) => r.presetId !== 'quick-margin-60');
    const presets = presetsForSeeds(reproducePresets(false), seedsUpTo(2), kept);
    expect(presets.map((p) => `${p.id}@${p.config.seed}`)).toEqual(['quick-margin-60@1', ...[...SWEEP_PRESET_IDS.report, ...SWEEP_PRESET_IDS.domain].map((id) => `${id}@2`)]);
    expect(presets[1].name).toBe('Quick · Softmax · seed 2');
    // The preset's own settings are kept: only the seed changes.
    expect({ ...presets[1].config, seed: 1 }).toEqual({ ...findPreset('quick-softmax')!.config, seed: 1 });
  });

  it('counts a seed done only on the data in use: built-in runs do not stand for folder runs, or the reverse', () => {
    const onFolders = seededSweep(1).map((r) => (SWEEP_PRESET_IDS.report.includes(r.presetId!) ? { ...r, dataLabel: "folder 'faces'" } : r));
    expect(presetsForSeeds(reproducePresets(true), seedsUpTo(1), onFolders, "folder 'faces'")).toEqual([]);
    expect(presetsForSeeds(reproducePresets(true), seedsUpTo(1), seededSweep(1), "folder 'faces'")).toHaveLength(5);
    expect(presetsForSeeds(reproducePresets(false), seedsUpTo(1), onFolders).map((p) => p.id)).toEqual([...SWEEP_PRESET_IDS.report]);
    // Over seeds never mixes them: seed 2 on folders and seed 1 built-in are not two seeds of one sweep.
    const seed2OnFolders = onFolders.map((r) => ({ ...r, config: { ...r.config, seed: 2 } }));
    expect(seedsTable([...seededSweep(1), ...seed2OnFolders])!.findings.map((f) => f.checked)).toEqual([1, 1, 1, 1, 2]);
    expect(seedsTable([...seededSweep(1).filter((r) => !r.presetId?.startsWith('domain')), ...seed2OnFolders])).toBeUndefined();
  });

  it('seedsTable counts the seeds each finding held on, once runs cover two seeds', () => {
    expect(seedsTable(seededSweep(1))).toBeUndefined();
    // One stray run of another seed checks no finding twice: nothing to spread yet.
    const stray = sweepRun('quick-softmax', { auc: 0.8, accuracy: 0.97 }, { config: { ...presetConfig('quick-softmax'), seed: 9 } });
    expect(seedsTable([...seededSweep(1), stray])).toBeUndefined();
    const summary = seedsTable([...seededSweep(1), ...seededSweep(2, 0.79), ...seededSweep(3)])!;
    expect(summary.seeds).toEqual([1, 2, 3]);
    expect(summary.findings[0]).toMatchObject({ id: 'margin-beats-intra-beats-softmax', held: 2, checked: 3, failedSeeds: [2] });
    expect(chosenRunsBySeed(seededSweep(4)).get(4)?.size).toBe(7);
  });

  it('the panel trains seeds 1…N when asked for N, and shows how often each finding held', () => {
    const runs = [...seededSweep(1), ...seededSweep(2, 0.79)];
    const onRun = vi.fn();
    render(<ReproduceReport runs={runs} foldersLoaded={false} disabled={false} onRun={onRun} />);
    const overSeeds = screen.getByRole('table', { name: 'Findings over seeds' });
    const firstRow = within(overSeeds).getAllByRole('row')[1];
    expect(firstRow.textContent).toBe('Margin 30° > Softmax + Intra > Softmax1 of 2 seedsseed 2');
    expect(within(screen.getByRole('list', { name: 'AUC gaps over seeds' })).getAllByRole('listitem')[1].textContent).toBe(
      'AUC intra − softmax: +0.0050 ± 0.0212 (mean ± sd over 2 seeds)',
    );

    fireEvent.change(screen.getByRole('spinbutton', { name: 'Seeds' }), { target: { value: '3' } });
    expect(screen.getByRole('note', { name: 'Seeds to train' }).textContent).toMatch(/Seeds 1–3: 7 of 21 runs to train/);
    fireEvent.click(screen.getByRole('button', { name: 'Reproduce the report' }));
    expect((onRun.mock.calls[0][0] as typeof DEMO_SWEEP).map((p) => p.config.seed)).toEqual(Array(7).fill(3));

    fireEvent.change(screen.getByRole('spinbutton', { name: 'Seeds' }), { target: { value: '2' } });
    expect(screen.getByRole('note', { name: 'Seeds to train' }).textContent).toBe('Every run of seeds 1–2 is done.');
    expect((screen.getByRole('button', { name: 'Reproduce the report' }) as HTMLButtonElement).disabled).toBe(true);

    // Clearing the field to retype keeps it empty (no snapping back) and asks for a count.
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Seeds' }), { target: { value: '' } });
    expect((screen.getByRole('spinbutton', { name: 'Seeds' }) as HTMLInputElement).value).toBe('');
    expect(screen.getByRole('note', { name: 'Seeds to train' }).textContent).toBe('Seeds: a whole number from 1 to 10.');
    expect((screen.getByRole('button', { name: 'Reproduce the report' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('with no runs yet, the hint counts the runs a press would train, and no runs while the Seeds field is not a count', () => {
    render(<ReproduceReport runs={[]} foldersLoaded={false} disabled={false} onRun={() => {}} />);
    const hint = () => screen.getByRole('note', { name: 'No sweep runs' }).textContent;
    expect(hint()).toBe(`No finished sweep runs yet: press Reproduce the report (about ${reproducePresets(false).length} × a few minutes).`);
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Seeds' }), { target: { value: '2' } });
    expect(hint()).toBe(`No finished sweep runs yet: press Reproduce the report (about ${2 * reproducePresets(false).length} × a few minutes).`);
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Seeds' }), { target: { value: '0' } });
    expect(hint()).toBe('No finished sweep runs yet: press Reproduce the report once Seeds is a whole number.');
  });

  it('parseSeedCount takes a whole number from 1 to 10 and nothing else', () => {
    expect(['1', ' 3 ', '10'].map(parseSeedCount)).toEqual([1, 3, 10]);
    expect(['', '0', '11', '2.5', '-1', 'three'].map(parseSeedCount)).toEqual(Array(6).fill(undefined));
  });
});
