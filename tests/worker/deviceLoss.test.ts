/**
 * The worker's watch on its WebGPU device (workers/deviceLoss.ts), with a fake device: a loss is reported once with
 * its reason, and an event that ends a run badly because of it (its reads failed as the device went) never reaches
 * the page, which resumes the run in a new worker instead.
 */
import { describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../src/protocol/api.ts';
import { createDeviceLossWatch, LOSS_GRACE_MS } from '../../workers/deviceLoss.ts';

const WEBGPU: BackendReport = { backend: 'webgpu', attempts: [{ backend: 'webgpu', ok: true }], tfjsVersion: 'test' };

/** A device whose `lost` resolves when destroyed, as a GPUDevice's does. */
function fakeDevice() {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const lost = new Promise<GPUDeviceLostInfo>((resolve) => (lose = resolve));
  const destroy = (): undefined => {
    lose({ reason: 'destroyed', message: 'Device was destroyed.' } as GPUDeviceLostInfo);
  };
  return { lost, destroy };
}

const step = (n: number): TrainEvent => ({ type: 'step', runId: 'r', step: n }) as unknown as TrainEvent;
const error: TrainEvent = { type: 'error', runId: 'r', message: 'mapAsync failed' };
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createDeviceLossWatch', () => {
  it('reports a lost device once, with its reason, and holds back every event after it', async () => {
    const reasons: string[] = [];
    const watch = createDeviceLossWatch((r) => reasons.push(r));
    const device = fakeDevice();
    watch.watch(WEBGPU, device);
    const sent: TrainEvent[] = [];
    watch.deliver(step(1), () => sent.push(step(1)));
    expect(watch.destroy()).toBe(true);
    await tick();
    expect(reasons).toEqual(['the GPU device was lost: Device was destroyed']);
    expect(watch.lost).toBe(reasons[0]);
    void watch.deliver(step(2), () => sent.push(step(2)));
    await tick();
    expect(sent).toEqual([step(1)]);
  });

  it('holds an error that comes just before the loss is known, and the events after it', async () => {
    const watch = createDeviceLossWatch(() => undefined);
    const device = fakeDevice();
    watch.watch(WEBGPU, device);
    const sent: string[] = [];
    // The device's reads fail first; its `lost` resolves a moment later.
    void watch.deliver(error, () => sent.push('error'));
    void watch.deliver(step(9), () => sent.push('done'));
    setTimeout(() => device.destroy(), 20);
    await tick(LOSS_GRACE_MS + 50);
    expect(sent).toEqual([]);
  });

  it('delivers an error in order after the grace period when the device is fine, and everything at once off WebGPU', async () => {
    const watch = createDeviceLossWatch(() => undefined);
    watch.watch(WEBGPU, fakeDevice());
    const sent: string[] = [];
    const delivered = watch.deliver(error, () => sent.push('error'));
    watch.deliver(step(9), () => sent.push('after'));
    expect(sent).toEqual([]);
    await delivered;
    await tick();
    expect(sent).toEqual(['error', 'after']);

    const cpu = createDeviceLossWatch(() => undefined);
    cpu.watch({ ...WEBGPU, backend: 'cpu' });
    const now: string[] = [];
    cpu.deliver(error, () => now.push('error'));
    expect(now).toEqual(['error']);
    expect(cpu.destroy()).toBe(false);
  });
});
