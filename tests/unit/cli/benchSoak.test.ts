import { describe, expect, it } from 'vitest';
import { soakSummary } from '../../../src/cli/benchSoak.ts';

const line = (minute: number, tensors: number, heap: number) => ({
  minute,
  step: minute * 100,
  stepMs: 500 + (minute % 2),
  numTensors: tensors,
  numBytes: tensors * 1000,
  jsHeapBytes: heap,
});

describe('soak summary', () => {
  it('fits each series from the second sample on and calls flat memory flat and a leak a leak', () => {
    // Start-up (minute 1) is higher and left out of the fit; then a steady heap and one tensor leaked a minute.
    const lines = [line(1, 90, 9e6), ...[2, 3, 4, 5, 6, 7].map((m) => line(m, 50 + m, 6e6 + (m % 2) * 1e5))];
    const summary = soakSummary(lines, 'webgpu') as { slopes: Record<string, { perMinute: number; flat: boolean }>; fittedSamples: number; minutes: number };
    expect(summary).toMatchObject({ soak: 'summary', backend: 'webgpu', minutes: 7, samples: 7, fittedSamples: 6 });
    expect(summary.slopes.jsHeapBytes.flat).toBe(true);
    expect(summary.slopes.numTensors).toMatchObject({ perMinute: 1, flat: false });
  });

  it('fits nothing from fewer than three samples after start-up', () => {
    expect(soakSummary([line(1, 5, 1), line(2, 5, 1), line(3, 5, 1)], 'wasm')).toMatchObject({ slopes: {} });
  });
});
