/**
 * The pure target-logit curve: hand values for every kind, the fallback past π (continuous, decreasing),
 * and the plot helper. The tfjs loss is checked against this function in tests/unit/ml/losses.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { LossConfig } from '../../../src/core/lossConfig.ts';
import { marginFallback, targetCosine, targetLogit, targetLogitCurve } from '../../../src/core/targetLogit.ts';

const RAD = Math.PI / 180;
const cosDeg = (deg: number) => Math.cos(deg * RAD);

describe('targetLogit hand values (θ in degrees)', () => {
  const cases: Array<[LossConfig, number, number]> = [
    [{ kind: 'softmax', scale: 64 }, 60, 32],
    [{ kind: 'softmax', scale: 64 }, 0, 64],
    [{ kind: 'softmax', scale: 64 }, 180, -64],
    [{ kind: 'intra', scale: 10, alpha: 3 }, 60, 5], // the angle penalty is not part of the logit
    [{ kind: 'arcface', scale: 64, marginDeg: 30 }, 60, 0], // cos 90°
    [{ kind: 'arcface', scale: 2, marginDeg: 30 }, 0, 2 * cosDeg(30)],
    [{ kind: 'arcface', scale: 2, marginDeg: 30 }, 150, -2], // exactly at θ* = 150°: cos 180°
    [{ kind: 'arcface', scale: 1, marginDeg: 60 }, 150, cosDeg(150) - 0.5], // past θ* = 120°: cos θ − (1 − cos 60°)
    [{ kind: 'arcface', scale: 1, marginDeg: 60 }, 180, -1.5],
    [{ kind: 'cosface', scale: 30, cosineMargin: 0.35 }, 60, 30 * (0.5 - 0.35)],
    [{ kind: 'cosface', scale: 30, cosineMargin: 0.35 }, 180, 30 * (-1 - 0.35)],
    [{ kind: 'combined', scale: 1, angleFactor: 1.5, marginDeg: 10, cosineMargin: 0.1 }, 40, cosDeg(70) - 0.1],
    // θ* = (180° − 10°)/1.5 = 113.33°; past it cos θ − (1 + cos θ*) − m3.
    [{ kind: 'combined', scale: 1, angleFactor: 1.5, marginDeg: 10, cosineMargin: 0.1 }, 140, cosDeg(140) - (1 + cosDeg(170 / 1.5)) - 0.1],
  ];
  for (const [config, thetaDeg, expected] of cases) {
    it(`${JSON.stringify(config)} at ${thetaDeg}° is ${expected.toFixed(4)}`, () => {
      expect(targetLogit(thetaDeg, config)).toBeCloseTo(expected, 10);
    });
  }

  it('fills missing parameters with the paper defaults (ArcFace 0.5 rad, CosFace 0.35, combined 1/0.3 rad/0.2)', () => {
    expect(targetLogit(30, { kind: 'arcface', scale: 1 })).toBeCloseTo(Math.cos(30 * RAD + 0.5), 12);
    expect(targetLogit(30, { kind: 'cosface', scale: 1 })).toBeCloseTo(cosDeg(30) - 0.35, 12);
    expect(targetLogit(30, { kind: 'combined', scale: 1 })).toBeCloseTo(Math.cos(30 * RAD + 0.3) - 0.2, 12);
  });

  it('throws for an invalid config', () => {
    expect(() => targetLogit(10, { kind: 'arcface', scale: 64, marginDeg: -1 })).toThrow(/marginDeg/);
    expect(() => targetLogit(10, { kind: 'softmax', scale: -2 })).toThrow(/scale/);
  });
});

describe('fallback past π', () => {
  const configs: LossConfig[] = [
    { kind: 'arcface', scale: 1, marginDeg: 28.6 },
    { kind: 'arcface', scale: 1, marginDeg: 60 },
    { kind: 'arcface', scale: 1, marginDeg: 170 },
    { kind: 'combined', scale: 1, angleFactor: 1.5, marginDeg: 10, cosineMargin: 0.1 },
    { kind: 'combined', scale: 1, angleFactor: 3, marginDeg: 0, cosineMargin: 0 },
  ];
  for (const config of configs) {
    it(`${JSON.stringify(config)}: strictly decreasing on 0°–180° and continuous at θ*`, () => {
      const values = Array.from({ length: 1801 }, (_, i) => targetLogit(i / 10, config));
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
      const fallback = marginFallback({
        angleFactor: config.angleFactor ?? 1,
        angularMarginRad: (config.marginDeg ?? 0) * RAD,
        cosineMargin: config.cosineMargin ?? 0,
      });
      expect(fallback).not.toBeNull();
      const start = fallback!.startRad / RAD;
      expect(targetLogit(start + 1e-7, config) - targetLogit(start - 1e-7, config)).toBeCloseTo(0, 6);
      expect(targetLogit(start, config)).toBeCloseTo(-1 - (config.cosineMargin ?? 0), 10);
    });
  }

  it('the unguarded formula would rise past θ* (why the fallback exists)', () => {
    expect(Math.cos(170 * RAD + 60 * RAD)).toBeGreaterThan(Math.cos(150 * RAD + 60 * RAD));
    expect(targetLogit(170, { kind: 'arcface', scale: 1, marginDeg: 60 })).toBeLessThan(targetLogit(150, { kind: 'arcface', scale: 1, marginDeg: 60 }));
  });

  it("fallback: false keeps the report's plain cos(θ + m) at every angle, upturn included", () => {
    const plain = { kind: 'arcface', scale: 1, marginDeg: 60, fallback: false } as const;
    for (let deg = 0; deg <= 180; deg += 5) expect(targetLogit(deg, plain)).toBeCloseTo(Math.cos((deg + 60) * RAD), 12);
    expect(targetLogit(170, plain)).toBeGreaterThan(targetLogit(150, plain));
    expect(marginFallback({ angleFactor: 1, angularMarginRad: 60 * RAD, cosineMargin: 0, fallback: false })).toBeNull();
    // Below θ* = 120° both forms are the same formula.
    expect(targetLogit(100, plain)).toBe(targetLogit(100, { kind: 'arcface', scale: 1, marginDeg: 60 }));
  });

  it('is absent when no margin can pass π (softmax, cosface, arcface 0°)', () => {
    expect(marginFallback({ angleFactor: 1, angularMarginRad: 0, cosineMargin: 0.35 })).toBeNull();
    expect(targetCosine(Math.PI, { angleFactor: 1, angularMarginRad: 0, cosineMargin: 0.35 })).toBeCloseTo(-1.35, 12);
  });
});

describe('targetLogitCurve', () => {
  it('samples 0°–180° evenly and matches targetLogit', () => {
    const config: LossConfig = { kind: 'arcface', scale: 64, marginDeg: 45 };
    const curve = targetLogitCurve(config);
    expect(curve.thetaDeg).toHaveLength(181);
    expect(curve.thetaDeg[0]).toBe(0);
    expect(curve.thetaDeg[180]).toBe(180);
    expect(curve.thetaDeg[90]).toBeCloseTo(90, 12);
    curve.thetaDeg.forEach((deg, i) => expect(curve.logit[i]).toBeCloseTo(targetLogit(deg, config), 12));
    expect(targetLogitCurve(config, 5).thetaDeg).toEqual([0, 45, 90, 135, 180]);
  });

  it('rejects fewer than 2 points', () => {
    expect(() => targetLogitCurve({ kind: 'softmax', scale: 1 }, 1)).toThrow(/pointCount/);
    expect(() => targetLogitCurve({ kind: 'softmax', scale: 1 }, 2.5)).toThrow(/pointCount/);
  });
});
