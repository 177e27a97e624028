import { describe, expect, it } from 'vitest';
import { applyLiveValues, LIVE_KEYS_BY_KIND, liveValuesAt } from '../../../src/core/liveParams.ts';

describe('live values', () => {
  it('change only what the loss kind reads, within the loss rules', () => {
    const arc = { kind: 'arcface', scale: 64, marginDeg: 30 } as const;
    expect(applyLiveValues(arc, 0.1, { marginDeg: 45 })).toEqual({ loss: { ...arc, marginDeg: 45 }, lr: 0.1 });
    expect(applyLiveValues(arc, 0.1, { lr: 0.01, marginDeg: undefined })).toEqual({ loss: arc, lr: 0.01 });
    expect(() => applyLiveValues(arc, 0.1, { alpha: 2 })).toThrow(/this arcface run has no alpha/);
    expect(() => applyLiveValues(arc, 0.1, { marginDeg: 180 })).toThrow(/marginDeg must be in \[0, 180\)/);
    expect(() => applyLiveValues({ kind: 'intra', scale: 64, alpha: 1 }, 0.1, { alpha: -1 })).toThrow(/alpha/);
    expect(() => applyLiveValues({ kind: 'softmax', scale: 64 }, 0.1, { lr: 0 })).toThrow(/lr must be/);
    expect(LIVE_KEYS_BY_KIND.combined).toEqual(['marginDeg', 'cosineMargin', 'lr']);
  });

  it('fold the changes made up to a step, in order', () => {
    const cos = { kind: 'cosface', scale: 30, cosineMargin: 0.2 } as const;
    const changes = [
      { step: 10, params: { cosineMargin: 0.3 } },
      { step: 20, params: { lr: 0.5 } },
      { step: 30, params: { cosineMargin: 0.4 } },
    ];
    expect(liveValuesAt(cos, 1, changes, 9)).toEqual({ loss: cos, lr: 1 });
    expect(liveValuesAt(cos, 1, changes, 20)).toEqual({ loss: { ...cos, cosineMargin: 0.3 }, lr: 0.5 });
    expect(liveValuesAt(cos, 1, changes, Infinity)).toEqual({ loss: { ...cos, cosineMargin: 0.4 }, lr: 0.5 });
  });
});
