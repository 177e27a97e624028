/**
 * The bench page: reads its parameters from the URL (?backend=webgpu&model=tiny&steps=5&batch=16&size=32,
 * optionally &data=builtin&width=4 for a tiny synthetic overfit task, &threads=N for wasm's threads, &profile=1 for the top kernels; backend=auto times the model on every backend
 * first, trains on the fastest and adds `probes` to the JSON), starts the lab worker, runs its
 * `bench` method and writes one JSON object into <pre id="result" data-done> for `npm run bench` and
 * the browser tests to read. With ?mode=decode it times the folder decoder instead (./decodeBench.ts); ?mode=synth checksums built-in
 * synthetic faces rendered in the browser (./synthCheck.ts); ?mode=soak trains until `npm run bench -- --soak` stops it (./soakBench.ts).
 */
import type { BackendName, BenchOptions } from '../../protocol/api.ts';
import { startLabWorker } from '../worker/labBridge.ts';
import { runDecodeBench } from './decodeBench.ts';
import { runSoak } from './soakBench.ts';
import { synthChecksums } from './synthCheck.ts';

const params = new URLSearchParams(location.search);
const out = document.getElementById('result') as HTMLPreElement;

function show(value: unknown): void {
  out.textContent = JSON.stringify(value);
  out.dataset.done = 'true';
}

function numberParam(name: string, fallback: number): number {
  const value = params.get(name);
  return value === null ? fallback : Number(value);
}

async function main(): Promise<unknown> {
  if (params.get('mode') === 'synth') return synthChecksums(params);
  const backend = (params.get('backend') ?? 'webgpu') as BackendName | 'auto';
  const worker = startLabWorker();
  try {
    if (params.get('mode') === 'decode') return await runDecodeBench(worker, params);
    if (params.get('mode') === 'soak') return await runSoak(worker, params);
    const options: BenchOptions = {
      ...(backend === 'auto' ? {} : { backend }),
      backbone: (params.get('model') ?? 'tiny') as BenchOptions['backbone'],
      steps: numberParam('steps', 5),
      batchSize: numberParam('batch', 16),
      inputSize: numberParam('size', 32),
      data: params.get('data') === 'builtin' ? 'builtin' : 'noise',
      ...(params.has('width') ? { width: numberParam('width', 16) } : {}),
      ...(params.has('identities') ? { numIdentities: numberParam('identities', 4) } : {}),
      ...(params.has('threads') ? { wasmThreads: numberParam('threads', 1) } : {}),
      ...(params.get('profile') === '1' ? { profile: true } : {}),
    };
    const result = await worker.api.bench(options);
    // init falls back quietly when a backend is missing: a benchmark on another backend is an error.
    if (backend !== 'auto' && result.backend !== backend) return { backend, error: `the worker ran on ${result.backend}, not ${backend}` };
    return result;
  } finally {
    worker.terminate();
  }
}

main().then(show, (err: unknown) => show({ backend: params.get('backend'), error: String((err as Error)?.message ?? err) }));
