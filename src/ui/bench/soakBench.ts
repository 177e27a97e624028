/**
 * The bench page's soak mode (?mode=soak&backend=webgpu): trains a micro model in the lab worker for as long as
 * `npm run bench -- --soak MINUTES` keeps the page open, evaluating and checkpointing every 200 steps so those paths
 * soak too. The CLI samples `window.soak` (src/cli/benchSoak.ts): steps done, the step time since its last sample,
 * and tfjs's memory in the worker; the worker's JS heap it reads itself, through the DevTools protocol.
 */
import type { BackendName, SoakSample, TrainConfigInput, TrainEvent } from '../../protocol/api.ts';
import type { LabWorkerHandle } from '../worker/labBridge.ts';
import { remoteCallback } from '../worker/remoteCallback.ts';

/** A micro run (1–2 s a step on SwiftShader WebGPU) long enough for any soak; evaluations and checkpoints recur. */
const SOAK_CONFIG: TrainConfigInput = {
  model: { backbone: 'tiny', inputSize: 32, width: 4, embeddingDim: 16 },
  loss: { kind: 'arcface', scale: 16, marginDeg: 20 },
  optimizer: { kind: 'adam', lr: 0.001 },
  batchSize: 16,
  steps: 100_000,
  evalEvery: 200,
  evalPairs: 40,
  checkpointEvery: 200,
};

/** Small built-in sets: the soak measures memory over time, not learning. */
const SOAK_DATA = { kind: 'builtin', train: { identities: 8, imagesPerIdentity: 6, familySize: 1 }, test: { identities: 6, imagesPerIdentity: 4 } } as const;

/** The handle the soak leaves on `window.soak` for the CLI. */
export interface SoakHandle {
  sample(): Promise<SoakSample>;
  stop(): void;
}

/** Starts the soak on `worker`; resolves when it is stopped (or the run ends), with the run's end. */
export async function runSoak(worker: LabWorkerHandle, params: URLSearchParams): Promise<unknown> {
  const backend = (params.get('backend') ?? 'webgpu') as BackendName;
  const report = await worker.api.init({ preferred: [backend] });
  if (report.backend !== backend) return { backend, error: `the worker runs on ${report.backend}, not ${backend}` };
  await worker.api.loadData(SOAK_DATA);
  let step = 0;
  let recent: number[] = [];
  let failure: string | undefined;
  const onEvent = (event: TrainEvent) => {
    if (event.type === 'step') {
      const { step: steps, imagesPerSec } = event.points;
      step = steps[steps.length - 1] + 1;
      for (const ips of imagesPerSec) recent.push((SOAK_CONFIG.batchSize! * 1000) / ips);
    }
    if (event.type === 'error' || event.type === 'diverged') failure = event.message;
  };
  const handle: SoakHandle = {
    async sample() {
      if (failure) throw new Error(failure);
      const times = recent.sort((a, b) => a - b);
      recent = [];
      const { numTensors, numBytes } = await worker.api.memory();
      return { step, stepMs: times.length ? times[Math.floor(times.length / 2)] : Number.NaN, numTensors, numBytes };
    },
    stop: () => void worker.api.stop(),
  };
  (window as unknown as { soak: SoakHandle }).soak = handle;
  const result = await worker.api.train(SOAK_CONFIG, remoteCallback(onEvent));
  return { backend, soak: 'stopped', ...result };
}
