import { describe, expect, it } from 'vitest';
import { summarizeKernelProfile, type ProfiledKernel } from '../../../src/core/kernelProfile.ts';

const run = (...calls: [string, number | undefined][]): ProfiledKernel[] => calls.map(([name, timeMs]) => ({ name, timeMs }));

describe('summarizeKernelProfile', () => {
  it('sums each kernel over the steps, longest first, with its share of the timed total', () => {
    const records = run(['Conv2D', 6], ['Add', 1], ['Conv2D', 4], ['Add', 1], ['Relu', 2], ['Add', 2]);
    expect(summarizeKernelProfile(records, 2)).toEqual({
      kernels: [
        { name: 'Conv2D', msPerStep: 5, callsPerStep: 1, share: 0.625 },
        { name: 'Add', msPerStep: 2, callsPerStep: 1.5, share: 0.25 },
        { name: 'Relu', msPerStep: 1, callsPerStep: 0.5, share: 0.125 },
      ],
      kernelMsPerStep: 8,
      untimedCalls: 0,
    });
  });

  it('subtracts the baseline run (a first step) kernel by kernel, never below zero', () => {
    const baseline = run(['Conv2D', 9], ['Fill', 3], ['Add', 5]);
    const records = run(['Conv2D', 9], ['Fill', 3.5], ['Add', 1], ['Conv2D', 2], ['Add', 1], ['Conv2D', 2], ['Add', 1]);
    const { kernels, kernelMsPerStep } = summarizeKernelProfile(records, 2, { baseline });
    // Fill ran in the first step only (its 0.5 ms of noise counts nowhere); Add's time against the baseline is
    // noise too and counts as 0 ms.
    expect(kernels).toEqual([
      { name: 'Conv2D', msPerStep: 2, callsPerStep: 1, share: 1 },
      { name: 'Add', msPerStep: 0, callsPerStep: 1, share: 0 },
    ]);
    expect(kernelMsPerStep).toBe(2);
  });

  it('leaves op scopes out (they hold kernels counted on their own) and counts untimed calls', () => {
    const records = run(['fusedConv2d__op', 10], ['FusedConv2D', 10], ['Multiply', undefined], ['Multiply', Number.NaN]);
    const summary = summarizeKernelProfile(records, 1);
    expect(summary.kernels.map((k) => k.name)).toEqual(['FusedConv2D', 'Multiply']);
    expect(summary.kernels[1]).toEqual({ name: 'Multiply', msPerStep: 0, callsPerStep: 2, share: 0 });
    expect(summary.untimedCalls).toBe(2);
  });

  it("takes the caller's test of what is a kernel, which leaves out tf.customGrad scopes too", () => {
    const records = run(['unnamed scope', 4], ['FusedBatchNorm', 3], ['Sum', 1], ['fusedConv2d__op', 10], ['FusedConv2D', 10]);
    const registered = new Set(['FusedBatchNorm', 'Sum', 'FusedConv2D']);
    const summary = summarizeKernelProfile(records, 1, { isKernel: (name) => registered.has(name) });
    expect(summary.kernels.map((k) => k.name)).toEqual(['FusedConv2D', 'FusedBatchNorm', 'Sum']);
    expect(summary.kernelMsPerStep).toBe(14);
    // By default only op scopes are left out.
    expect(summarizeKernelProfile(records, 1).kernels.map((k) => k.name)).toContain('unnamed scope');
  });

  it('keeps the top names, ties in name order, and refuses a step count that is not a positive integer', () => {
    const records = run(['B', 1], ['A', 1], ['C', 3], ['D', 0.5]);
    expect(summarizeKernelProfile(records, 1, { top: 3 }).kernels.map((k) => k.name)).toEqual(['C', 'A', 'B']);
    // Untimed (every time 0): the most called first.
    const untimed = run(['Add', undefined], ['Conv2D', undefined], ['Conv2D', undefined], ['Relu', undefined]);
    expect(summarizeKernelProfile(untimed, 1, { top: 2 }).kernels.map((k) => k.name)).toEqual(['Conv2D', 'Add']);
    expect(summarizeKernelProfile([], 1)).toEqual({ kernels: [], kernelMsPerStep: 0, untimedCalls: 0 });
    expect(() => summarizeKernelProfile(records, 0)).toThrow(/steps must be a positive integer, got 0/);
    expect(() => summarizeKernelProfile(records, 1.5)).toThrow(/positive integer/);
  });
});
