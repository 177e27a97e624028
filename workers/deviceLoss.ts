/**
 * A lost WebGPU device (a driver reset, the browser reclaiming the GPU, or `device.destroy()` from a test) leaves
 * tfjs's webgpu backend unusable for good: every later op fails or reads back garbage, and tfjs never notices. The
 * worker therefore treats the loss as its death: it tells the page (src/ui/worker/labBridge.ts), which replaces it
 * with a new worker on the best backend it can start and resumes the run from its last checkpoint
 * (src/ui/worker/useLabWorker.ts, useTraining.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { BackendReport, TrainEvent } from '../src/protocol/api.ts';

/**
 * How long an event that ends a run badly ('error', 'diverged') waits for the device's `lost` promise. Destroying a
 * device fails its pending reads at about the moment `lost` resolves, in no fixed order: without the wait, a loss
 * could reach the page as the run's own error (not resumed) rather than as the worker's death (resumed).
 */
export const LOSS_GRACE_MS = 250;

/** Never settles: what a call gets once the device is lost (the page is replacing this worker). */
const never = () => new Promise<never>(() => undefined);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The watch on the worker's WebGPU device. */
export interface DeviceLossWatch {
  /**
   * Starts watching the device of the backend `report` names (nothing to watch unless it is WebGPU): by default the
   * GPUDevice of tfjs's webgpu backend; tests hand in one of their own.
   */
  watch(report: BackendReport, device?: Pick<GPUDevice, 'lost' | 'destroy'>): void;
  /** Why the device was lost ("the GPU device was lost: …"), once it was. */
  readonly lost: string | undefined;
  /**
   * Hands `event` on through `send`, in order. An event that ends a run badly first waits (at most LOSS_GRACE_MS)
   * to see whether the device was lost: if so, it and everything after it are held back for good, since the run
   * goes on in the next worker.
   */
  deliver(event: TrainEvent, send: () => unknown): unknown;
  /** Destroys the watched device as a driver reset would (test hook); false when there is no WebGPU device. */
  destroy(): boolean;
}

/**
 * Watches the WebGPU device tfjs trains on; `onLost` gets the reason once it is lost (the worker tells the page
 * there, and stops answering).
 */
export function createDeviceLossWatch(onLost: (reason: string) => void): DeviceLossWatch {
  let device: Pick<GPUDevice, 'lost' | 'destroy'> | undefined;
  let lost: string | undefined;
  let lostSignal: Promise<void> = never();
  /** The delivery the next event must wait for (an earlier one still deciding), if any. */
  let pending: Promise<unknown> | undefined;

  const deliverNow = (send: () => unknown): unknown => (lost === undefined ? send() : never());

  return {
    watch(report, current = report.backend === 'webgpu' ? (tf.backend() as WebGPUBackend).device : undefined) {
      if (report.backend !== 'webgpu' || !current) {
        // Training left WebGPU (auto mode's probe chose a faster backend): a loss of that device no longer ends the
        // worker, nor holds back its events.
        device = undefined;
        return;
      }
      if (current === device) return;
      device = current;
      lostSignal = current.lost.then((info) => {
        // Only the device tfjs still trains on counts (a backend set up again replaces it).
        if (device !== current || lost !== undefined) return;
        // Browsers end the message with a full stop; the page's sentences go on after the reason.
        lost = `the GPU device was lost: ${(info.message || info.reason || 'no reason given').replace(/\.$/, '')}`;
        onLost(lost);
      });
    },
    get lost() {
      return lost;
    },
    deliver(event, send) {
      if (lost !== undefined) return never();
      // Only a run's bad end on a watched device waits; the rest goes at once unless queued behind one that waits.
      const waits = device !== undefined && (event.type === 'error' || event.type === 'diverged');
      if (!waits && !pending) return send();
      // An earlier delivery that failed was its caller's to handle: the ones behind it still go.
      const before = (pending ?? Promise.resolve()).then(
        () => undefined,
        () => undefined,
      );
      const current: Promise<unknown> = before.then(async () => {
        if (waits) await Promise.race([lostSignal, sleep(LOSS_GRACE_MS)]);
        return deliverNow(send);
      });
      pending = current;
      const settled = () => {
        if (pending === current) pending = undefined;
      };
      // The caller handles `current`'s own rejection; this branch only clears the queue.
      current.then(settled, settled);
      return current;
    },
    destroy() {
      if (!device) return false;
      device.destroy();
      return true;
    },
  };
}
