/** The sweep over seeds: merging a seed's sets, per-seed verdicts, hold counts, and the mean ± sd of AUCs and gaps. */
import { describe, expect, it } from 'vitest';
import { SWEEP_PRESET_IDS, type SweepRunSummary } from '../../../src/core/findings.ts';
import { SEED_GAPS, spreadOf, spreadText, summarizeSeeds } from '../../../src/core/seedSummary.ts';

function run(preset: string, auc: number, fields: Partial<SweepRunSummary> = {}): SweepRunSummary {
  return { preset, loss: 'softmax', auc, eer: 0.1, trainAccuracy: 0.97, firstLoss: 10, lastLoss: 1, collapsed: false, seconds: 60, classes: 100, ...fields };
}

/** A report sweep with the given softmax / intra / 30° AUCs (45° and 60° as in the demo: not learning). */
function reportSweep(softmax: number, intra: number, margin30: number): SweepRunSummary[] {
  return [
    run('quick-softmax', softmax),
    run('quick-softmax-intra', intra, { loss: 'intra' }),
    run('quick-margin-30', margin30, { loss: 'arcface' }),
    run('quick-margin-45', 0.6, { loss: 'arcface', trainAccuracy: 0.013 }),
    run('quick-margin-60', 0.65, { loss: 'arcface', trainAccuracy: 0.006, firstLoss: 60, lastLoss: 0.2, collapsed: true }),
  ];
}

describe('spreadOf', () => {
  it('gives the mean and the sample standard deviation (n − 1)', () => {
    expect(spreadOf([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3), n: 4 });
  });
  it('gives sd 0 for one value', () => {
    expect(spreadOf([0.9])).toEqual({ mean: 0.9, sd: 0, n: 1 });
  });
});

describe('summarizeSeeds', () => {
  // Seed 1: intra equals softmax (finding 1 fails); seed 2: all clear; seed 3: 30° leads intra by only 0.004.
  const sweeps = [
    { seed: 2, runs: reportSweep(0.95, 0.96, 0.97) },
    { seed: 1, runs: reportSweep(0.96, 0.96, 0.97) },
    { seed: 3, runs: reportSweep(0.95, 0.956, 0.96) },
    { seed: 1, runs: [run('domain-same', 0.95), run('domain-other', 0.78)] },
  ];
  const summary = summarizeSeeds(sweeps);

  it('merges the sets of a seed and lists seeds in order', () => {
    expect(summary.seeds).toEqual([1, 2, 3]);
    expect(summary.perSeed[0].runs.map((r) => r.preset)).toEqual([
      'quick-softmax',
      'quick-softmax-intra',
      'quick-margin-30',
      'quick-margin-45',
      'quick-margin-60',
      'domain-same',
      'domain-other',
    ]);
    expect(summary.perSeed[0].findings).toHaveLength(5);
    expect(summary.perSeed[1].findings).toHaveLength(4);
  });

  it('counts on how many seeds each finding held, over the seeds that checked it', () => {
    const tally = Object.fromEntries(summary.findings.map((f) => [f.id, f]));
    expect(tally['margin-beats-intra-beats-softmax']).toMatchObject({ held: 1, checked: 3, failedSeeds: [1, 3] });
    expect(tally['margin-60-fails']).toMatchObject({ held: 3, checked: 3, failedSeeds: [] });
    expect(tally['same-domain-wins']).toMatchObject({ held: 1, checked: 1, failedSeeds: [] });
    expect(summary.findings.map((f) => f.id)).toEqual([
      'margin-beats-intra-beats-softmax',
      'margin-45-below-30',
      'margin-60-fails',
      'softmax-fits-margin-generalises',
      'same-domain-wins',
    ]);
  });

  it('gives the mean ± sd of each AUC and each gap over the seeds that have its runs', () => {
    const softmax = summary.aucs.find((a) => a.preset === 'quick-softmax')!;
    expect(softmax.n).toBe(3);
    expect(softmax.mean).toBeCloseTo((0.96 + 0.95 + 0.95) / 3, 12);
    const gaps = Object.fromEntries(summary.gaps.map((g) => [g.id, g]));
    // 30° − intra per seed: 0.01, 0.01, 0.004.
    expect(gaps['margin30-intra'].mean).toBeCloseTo(0.008, 12);
    expect(gaps['margin30-intra'].sd).toBeCloseTo(Math.sqrt((0.002 ** 2 * 2 + 0.004 ** 2) / 2), 12);
    expect(gaps['same-other']).toMatchObject({ n: 1, sd: 0 });
    expect(gaps['same-other'].mean).toBeCloseTo(0.17, 12);
    expect(summary.trainAccuracies.find((a) => a.preset === 'quick-margin-60')!.mean).toBeCloseTo(0.006, 12);
  });

  it('lets a later run of a preset within a seed replace an earlier one, as evaluateFindings does', () => {
    const s = summarizeSeeds([
      { seed: 4, runs: reportSweep(0.95, 0.96, 0.97) },
      { seed: 4, runs: [run('quick-softmax', 0.99)] },
    ]);
    expect(s.aucs[0]).toMatchObject({ preset: 'quick-softmax', mean: 0.99, n: 1 });
    expect(s.findings[0]).toMatchObject({ held: 0, failedSeeds: [4] });
  });

  it("reads gaps only between the sweeps' presets (a renamed preset would leave a gap that no seed measures)", () => {
    const known = [...SWEEP_PRESET_IDS.report, ...SWEEP_PRESET_IDS.domain];
    for (const g of SEED_GAPS)
      expect(
        [g.plus, g.minus].filter((p) => !known.includes(p)),
        g.id,
      ).toEqual([]);
  });

  it('lists a preset the sweeps do not know after the known ones', () => {
    const s = summarizeSeeds([{ seed: 1, runs: [run('quick-future', 0.9), run('quick-softmax', 0.95)] }]);
    expect(s.perSeed[0].runs.map((r) => r.preset)).toEqual(['quick-softmax', 'quick-future']);
  });

  it('refuses an empty list', () => {
    expect(() => summarizeSeeds([])).toThrow(/no seeds/);
  });
});

describe('spreadText', () => {
  it('prints four decimals, signed for gaps, and no ± for one seed', () => {
    expect(spreadText({ mean: 0.00701, sd: 0.00213, n: 5 }, true)).toBe('+0.0070 ± 0.0021');
    expect(spreadText({ mean: -0.0001, sd: 0, n: 1 }, true)).toBe('−0.0001');
    expect(spreadText({ mean: 0.95634, sd: 0.0037, n: 5 })).toBe('0.9563 ± 0.0037');
  });
});
