/** Loss configuration: frozen defaults, per-kind margins and the validator's messages. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOSS_CONFIG,
  LOSS_KINDS,
  LOSS_PARAMETER_DEFAULTS,
  defaultLossConfig,
  intraPenaltyWeight,
  targetMargins,
  validateLossConfig,
  type LossConfig,
} from '../../../src/core/lossConfig.ts';

describe('defaults', () => {
  it('are frozen and describe softmax at s = 64', () => {
    expect(DEFAULT_LOSS_CONFIG).toEqual({ kind: 'softmax', scale: 64 });
    expect(Object.isFrozen(DEFAULT_LOSS_CONFIG)).toBe(true);
    expect(Object.isFrozen(LOSS_PARAMETER_DEFAULTS)).toBe(true);
    expect(() => {
      (DEFAULT_LOSS_CONFIG as LossConfig).scale = 1;
    }).toThrow(TypeError);
  });

  it('give every kind a valid, frozen config with the published parameters', () => {
    for (const kind of LOSS_KINDS) {
      const config = defaultLossConfig(kind);
      expect(config.kind).toBe(kind);
      expect(Object.isFrozen(config)).toBe(true);
      expect(() => validateLossConfig(config)).not.toThrow();
    }
    expect(defaultLossConfig('arcface').marginDeg).toBeCloseTo(28.6479, 4); // 0.5 rad
    expect(defaultLossConfig('cosface').cosineMargin).toBe(0.35);
    expect(defaultLossConfig('intra').alpha).toBe(1);
    expect(defaultLossConfig('combined')).toMatchObject({ angleFactor: 1, cosineMargin: 0.2 });
    expect(defaultLossConfig('combined').marginDeg).toBeCloseTo(17.1887, 4); // 0.3 rad
  });
});

describe('targetMargins', () => {
  it('maps every kind to (m1, m2 in radians, m3)', () => {
    expect(targetMargins({ kind: 'softmax', scale: 64, marginDeg: 40 })).toEqual({ angleFactor: 1, angularMarginRad: 0, cosineMargin: 0 });
    expect(targetMargins({ kind: 'intra', scale: 64 })).toEqual({ angleFactor: 1, angularMarginRad: 0, cosineMargin: 0 });
    expect(targetMargins({ kind: 'arcface', scale: 64, marginDeg: 30, cosineMargin: 0.3 })).toEqual({
      angleFactor: 1,
      angularMarginRad: Math.PI / 6,
      cosineMargin: 0,
    });
    expect(targetMargins({ kind: 'cosface', scale: 64, cosineMargin: 0.4, marginDeg: 30 })).toEqual({ angleFactor: 1, angularMarginRad: 0, cosineMargin: 0.4 });
    expect(targetMargins({ kind: 'combined', scale: 64, angleFactor: 1.2, marginDeg: 90, cosineMargin: 0.1 })).toEqual({
      angleFactor: 1.2,
      angularMarginRad: Math.PI / 2,
      cosineMargin: 0.1,
    });
  });

  it('weights the intra penalty only for the intra kind', () => {
    expect(intraPenaltyWeight({ kind: 'intra', scale: 64 })).toBe(1);
    expect(intraPenaltyWeight({ kind: 'intra', scale: 64, alpha: 0.25 })).toBe(0.25);
    expect(intraPenaltyWeight({ kind: 'arcface', scale: 64, alpha: 0.25 })).toBe(0);
  });
});

describe('validateLossConfig', () => {
  const bad: Array<[string, LossConfig, RegExp]> = [
    ['zero scale', { kind: 'softmax', scale: 0 }, /scale must be a finite number > 0 \(got 0\)/],
    ['negative scale', { kind: 'softmax', scale: -1 }, /scale/],
    ['NaN scale', { kind: 'softmax', scale: NaN }, /scale/],
    ['infinite scale', { kind: 'softmax', scale: Infinity }, /scale/],
    ['negative angular margin', { kind: 'arcface', scale: 64, marginDeg: -5 }, /marginDeg must be in \[0, 180\)/],
    ['angular margin of 180°', { kind: 'arcface', scale: 64, marginDeg: 180 }, /marginDeg/],
    ['negative cosine margin', { kind: 'cosface', scale: 64, cosineMargin: -0.1 }, /cosineMargin/],
    ['cosine margin of 2', { kind: 'combined', scale: 64, cosineMargin: 2 }, /cosineMargin/],
    ['angle factor below 1', { kind: 'combined', scale: 64, angleFactor: 0.5 }, /angleFactor must be a finite number ≥ 1/],
    ['negative alpha', { kind: 'intra', scale: 64, alpha: -1 }, /alpha/],
    ['string margin', { kind: 'arcface', scale: 64, marginDeg: '30' as unknown as number }, /marginDeg/],
    ['unknown kind', { kind: 'sphereface' as LossConfig['kind'], scale: 64 }, /kind must be one of softmax, intra, arcface, cosface, combined/],
  ];
  for (const [what, config, message] of bad) {
    it(`rejects ${what}`, () => expect(() => validateLossConfig(config)).toThrow(message));
  }

  it('accepts the edges of every range', () => {
    for (const config of [
      { kind: 'arcface', scale: 1e-3, marginDeg: 0 },
      { kind: 'arcface', scale: 64, marginDeg: 179.9 },
      { kind: 'cosface', scale: 64, cosineMargin: 0 },
      { kind: 'combined', scale: 64, angleFactor: 1, marginDeg: 0, cosineMargin: 1.99 },
      { kind: 'intra', scale: 64, alpha: 0 },
    ] as LossConfig[]) {
      expect(() => validateLossConfig(config)).not.toThrow();
    }
  });
});
