/** The report's findings as checks on runs: each finding true and false on constructed runs, and the run summary. */
import { describe, expect, it } from 'vitest';
import {
  evaluateFindings,
  failAccuracyFor,
  FINDING_DEFINITIONS,
  FINDING_THRESHOLDS,
  summarizeRun,
  SWEEP_PRESET_IDS,
  type FindingId,
  type SweepRunSummary,
} from '../../../src/core/findings.ts';
import { findPreset } from '../../../src/core/presets.ts';

/** A run that fits and verifies well; fields overridden per case. */
function run(preset: string, fields: Partial<SweepRunSummary> = {}): SweepRunSummary {
  return { preset, loss: 'softmax', auc: 0.95, eer: 0.1, trainAccuracy: 0.97, firstLoss: 10, lastLoss: 1, collapsed: false, seconds: 60, ...fields };
}

/** A report sweep in which every finding holds. */
function reportSweep(): SweepRunSummary[] {
  return [
    run('quick-softmax', { auc: 0.94, trainAccuracy: 0.96 }),
    run('quick-softmax-intra', { loss: 'intra', auc: 0.947 }),
    run('quick-margin-30', { loss: 'arcface', auc: 0.96 }),
    run('quick-margin-45', { loss: 'arcface', auc: 0.955 }),
    run('quick-margin-60', { loss: 'arcface', auc: 0.7, trainAccuracy: 0.004, firstLoss: 60, lastLoss: 35, collapsed: true }),
  ];
}

const verdict = (runs: SweepRunSummary[], id: FindingId) => evaluateFindings(runs).find((f) => f.id === id)?.holds;
const edit = (runs: SweepRunSummary[], preset: string, fields: Partial<SweepRunSummary>) => runs.map((r) => (r.preset === preset ? { ...r, ...fields } : r));

describe('evaluateFindings', () => {
  it('checks findings 1–4 on a report sweep, all holding, with the measured numbers in the detail', () => {
    const findings = evaluateFindings(reportSweep());
    expect(findings.map((f) => f.id)).toEqual(['margin-beats-intra-beats-softmax', 'margin-45-below-30', 'margin-60-fails', 'softmax-fits-margin-generalises']);
    expect(findings.every((f) => f.holds)).toBe(true);
    expect(findings[0].detail).toContain('0.960');
    expect(findings[2].detail).toMatch(/0\.4%.*60\.00 → 35\.00.*collapse/);
  });

  it('finding 1 fails when the margin is not clearly above intra, or intra is not above softmax', () => {
    const base = reportSweep();
    expect(verdict(edit(base, 'quick-margin-30', { auc: 0.947 + FINDING_THRESHOLDS.clearAucGap / 2 }), 'margin-beats-intra-beats-softmax')).toBe(false);
    expect(verdict(edit(base, 'quick-softmax-intra', { auc: 0.939 }), 'margin-beats-intra-beats-softmax')).toBe(false);
  });

  it('finding 2 fails when 45° is not below 30°, and says when 45° did not learn at all', () => {
    expect(verdict(edit(reportSweep(), 'quick-margin-45', { auc: 0.97 }), 'margin-45-below-30')).toBe(false);
    const collapsed = evaluateFindings(edit(reportSweep(), 'quick-margin-45', { auc: 0.5, trainAccuracy: 0.02, collapsed: true })).find((f) => f.id === 'margin-45-below-30');
    expect(collapsed).toMatchObject({ holds: true, detail: expect.stringMatching(/45° did not learn \(training accuracy 2\.0%/) });
  });

  it('finding 3: "fails to learn" is under 1%, or under twice chance (2/K) where that is higher', () => {
    expect(failAccuracyFor(undefined)).toBe(0.01);
    expect(failAccuracyFor(700)).toBe(0.01);
    expect(failAccuracyFor(100)).toBe(0.02);
    expect(failAccuracyFor(10)).toBe(0.2);
    const at = (fields: Partial<SweepRunSummary>) => verdict(edit(reportSweep(), 'quick-margin-60', fields), 'margin-60-fails');
    expect(at({ trainAccuracy: 0.015, classes: 100 })).toBe(true);
    expect(at({ trainAccuracy: 0.015 })).toBe(false);
    expect(at({ trainAccuracy: 0.025, classes: 100 })).toBe(false);
  });

  it('marks gaps smaller than pair sampling could produce', () => {
    const details = evaluateFindings(edit(reportSweep(), 'quick-softmax-intra', { auc: 0.9401 }))
      .map((f) => f.detail)
      .join('\n');
    expect(details).toMatch(/intra − softmax \+0\.0001, within pair-sampling noise/);
    expect(evaluateFindings(reportSweep())[0].detail).not.toMatch(/noise/);
  });

  it('prints a gap just under "clear" so that it does not read as clear (30° − intra 0.00489 is not +0.005)', () => {
    const first = evaluateFindings(edit(reportSweep(), 'quick-margin-30', { auc: 0.947 + 0.00489 }))[0];
    expect(first.holds).toBe(false);
    expect(first.detail).toContain('30° − intra +0.0049 (clear at ≥ 0.005)');
  });

  it('finding 3 fails when 60° learns, or when its loss did not fall', () => {
    expect(verdict(edit(reportSweep(), 'quick-margin-60', { trainAccuracy: 0.2 }), 'margin-60-fails')).toBe(false);
    expect(verdict(edit(reportSweep(), 'quick-margin-60', { lastLoss: 61 }), 'margin-60-fails')).toBe(false);
  });

  it('finding 4 fails when softmax does not fit, or generalises better than the margin', () => {
    expect(verdict(edit(reportSweep(), 'quick-softmax', { trainAccuracy: FINDING_THRESHOLDS.fitAccuracy - 0.01 }), 'softmax-fits-margin-generalises')).toBe(false);
    expect(verdict(edit(reportSweep(), 'quick-softmax', { auc: 0.97 }), 'softmax-fits-margin-generalises')).toBe(false);
  });

  it('finding 5 compares the same-domain and other-domain runs', () => {
    const same = run('domain-same', { auc: 0.93 });
    expect(evaluateFindings([same, run('domain-other', { auc: 0.9 })])).toMatchObject([{ id: 'same-domain-wins', holds: true }]);
    expect(evaluateFindings([same, run('domain-other', { auc: 0.935 })])).toMatchObject([{ id: 'same-domain-wins', holds: false }]);
  });

  it('reports only the findings whose runs are all present, and the last run of a preset counts', () => {
    expect(evaluateFindings([])).toEqual([]);
    expect(evaluateFindings([run('quick-margin-30'), run('quick-margin-45', { auc: 0.9 })]).map((f) => f.id)).toEqual(['margin-45-below-30']);
    const later = [run('quick-margin-30'), run('quick-margin-45', { auc: 0.9 }), run('quick-margin-45', { auc: 0.99 })];
    expect(evaluateFindings(later)[0].holds).toBe(false);
  });

  it('reads only presets that exist, and each set names the presets its findings read', () => {
    for (const definition of FINDING_DEFINITIONS) {
      for (const id of definition.presets) {
        expect(findPreset(id), id).toBeDefined();
        expect(SWEEP_PRESET_IDS[definition.set]).toContain(id);
      }
    }
  });
});

describe('summarizeRun', () => {
  it('takes the first loss and averages loss and accuracy over the last ⌈320 / batch⌉ steps', () => {
    const losses = Float32Array.from({ length: 20 }, (_, i) => 20 - i);
    const accuracy = Float32Array.from({ length: 20 }, (_, i) => i / 20);
    const s = summarizeRun({ preset: 'p', loss: 'softmax', batchSize: 64, losses, accuracy, auc: 0.9, eer: 0.2, collapsed: false, seconds: 3 });
    // 320 / 64 = 5 steps: indices 15..19.
    expect(s.firstLoss).toBe(20);
    expect(s.lastLoss).toBeCloseTo((5 + 4 + 3 + 2 + 1) / 5);
    expect(s.trainAccuracy).toBeCloseTo((15 + 16 + 17 + 18 + 19) / 5 / 20);
    expect(s).toMatchObject({ preset: 'p', auc: 0.9, eer: 0.2, collapsed: false, seconds: 3 });
  });

  it('uses every step of a run shorter than the window, and refuses a run without steps', () => {
    const s = summarizeRun({ preset: 'p', loss: 'softmax', batchSize: 8, losses: [3, 1], accuracy: [0, 1], auc: 0.5, eer: 0.5, collapsed: false, seconds: 1 });
    expect([s.firstLoss, s.lastLoss, s.trainAccuracy]).toEqual([3, 2, 0.5]);
    expect(() => summarizeRun({ preset: 'p', loss: 'softmax', batchSize: 8, losses: [], accuracy: [], auc: 0.5, eer: 0.5, collapsed: false, seconds: 1 })).toThrow(
      /no training steps/,
    );
  });
});
