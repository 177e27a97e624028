/** Run labels (number, base label, the settings that differ) and the runs the plots draw. */
import { describe, expect, it } from 'vitest';
import type { TrainConfigInput } from '../../../src/protocol/api.ts';
import { plotRuns } from '../../../src/ui/runs/plotRuns.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import { runLabels, runNumbers } from '../../../src/ui/runs/runLabels.ts';
import { makeRun } from '../fixtures.ts';

/** A custom micro run as App labels it ("tiny · Softmax"), numbered. */
const micro = (id: string, number: number | undefined, config: TrainConfigInput = {}): RunRecord => ({
  ...makeRun(id, { label: 'tiny · Softmax', auc: 0.8, config: { loss: { kind: 'softmax' }, ...config } }),
  ...(number === undefined ? {} : { number }),
});

describe('runLabels', () => {
  it('numbers runs and adds the settings in which runs of the same base label differ', () => {
    const runs = [
      micro('a', 1, { loss: { kind: 'softmax', scale: 64 }, optimizer: { lr: 0.1 } }),
      micro('b', 2, { loss: { kind: 'softmax', scale: 64 }, optimizer: { lr: 0.1 } }),
      micro('c', 3, { loss: { kind: 'softmax', scale: 16 }, optimizer: { lr: 0.01 } }),
      { ...makeRun('m', { label: 'Margin 30°', auc: 0.9, config: { loss: { kind: 'arcface', marginDeg: 30 } } }), number: 4 },
    ];
    expect([...runLabels(runs).values()]).toEqual([
      '#1 tiny · Softmax · s 64 · lr 0.1',
      '#2 tiny · Softmax · s 64 · lr 0.1',
      '#3 tiny · Softmax · s 16 · lr 0.01',
      '#4 Margin 30°', // alone under its label: its number is enough
    ]);
  });

  it("uses the user's name instead, and numbers a run not stored yet after the others", () => {
    const runs = [micro('live', undefined), { ...micro('a', 1), name: 'baseline' }, micro('b', 5), { ...micro('c', 2), name: '  ' }];
    expect(runNumbers(runs).get('live')).toBe(6);
    expect(runLabels(runs).get('a')).toBe('baseline');
    expect(runLabels(runs).get('c')).toBe('#2 tiny · Softmax');
  });
});

describe('plotRuns', () => {
  const done = micro('done', 1);
  const other = micro('other', 2);

  it('drops a finished run that was unticked, even the last one trained', () => {
    const { shownRuns, leadRuns } = plotRuns({ runs: [done, other], selected: new Set(['other']), live: done, training: false });
    expect(shownRuns.map((r) => r.id)).toEqual(['other']);
    expect(leadRuns.map((r) => r.id)).toEqual(['other']);
  });

  it('draws a ticked live run first in its latest state, under its stored name', () => {
    const stored = { ...done, name: 'baseline' };
    const latest = { ...done, step: 99 }; // the training's newer record, which has no name
    const { shownRuns } = plotRuns({ runs: [other, stored], selected: new Set(['done', 'other']), live: latest, training: false });
    expect(shownRuns.map((r) => [r.id, r.step, r.label])).toEqual([
      ['done', 99, 'baseline'],
      ['other', 4, '#2 tiny · Softmax'],
    ]);
  });

  it('lets a run in training lead the loss curve before it is stored or ticked, but not the ROC curve', () => {
    const live = micro('live', undefined);
    const { shownRuns, leadRuns } = plotRuns({ runs: [other], selected: new Set(['other']), live, training: true });
    expect(shownRuns.map((r) => r.id)).toEqual(['other']);
    expect(leadRuns.map((r) => [r.id, r.label])).toEqual([
      ['live', '#3 tiny · Softmax'],
      ['other', '#2 tiny · Softmax'],
    ]);
  });
});
