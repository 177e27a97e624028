import { describe, expect, it } from 'vitest';
import {
  backendStatusText,
  chooseBackend,
  DEFAULT_PROBE_BUDGET,
  fastestProbe,
  parseProbeCacheRecord,
  probeCacheKey,
  scoutVerdict,
  stepVerdict,
  type BackendProbe,
  type BackendProbeHost,
  type ProbeBackendName,
  type ProbeCacheRecord,
  type ProbeShape,
} from '../../../src/core/backendProbe.ts';

/** Fake backends: each either fails to initialise (a reason), throws in its step, or trains at a rate (img/s). */
type FakeBackend = { reason: string } | { throws: string } | { imgPerSec: number; software?: boolean };

function fakeHost(backends: Partial<Record<ProbeBackendName, FakeBackend>>, cache = new Map<string, unknown>()) {
  const log: string[] = [];
  let current: ProbeBackendName | undefined;
  const host: BackendProbeHost & { log: string[]; current(): ProbeBackendName | undefined } = {
    log,
    current: () => current,
    async init(backend) {
      log.push(`init ${backend}`);
      const fake = backends[backend];
      if (!fake) return `${backend} is not registered`;
      if ('reason' in fake) return fake.reason;
      current = backend;
      return undefined;
    },
    async measure(backend, best) {
      log.push(`measure ${backend} best=${best ?? '-'}`);
      expect(current).toBe(backend); // timed on the backend just initialised
      const fake = backends[backend]!;
      if ('throws' in fake) throw new Error(fake.throws);
      if (!('imgPerSec' in fake)) throw new Error('unreachable');
      return { imgPerSec: fake.imgPerSec, batch: 16, steps: 3 };
    },
    describe: (backend) => {
      const fake = backends[backend];
      return backend === 'webgpu' && fake && 'software' in fake && fake.software ? { adapter: 'SwiftShader', software: true } : {};
    },
    cache: {
      get: async (key) => cache.get(key),
      put: async (record) => void cache.set(record.key, record),
    },
    now: () => new Date('2026-12-01T12:00:00Z'),
    // Each reading 5 ms after the last: every probe entry, read before and after, costs 5 ms.
    clock: (() => {
      let t = 0;
      return () => (t += 5);
    })(),
  };
  return host;
}

const SHAPE: ProbeShape = { backbone: 'tiny', inputSize: 32, embeddingDim: 64, batchSize: 16, numIdentities: 100, optimizer: 'sgd' };
const ENV = { tfjsVersion: '4.22.0', userAgent: 'HeadlessChrome/156', adapter: 'google|swiftshader||', wasmThreads: 1 };
const KEY = probeCacheKey(SHAPE, ENV);

describe('choosing the training backend by measurement', () => {
  it('trains on the fastest measured backend, even when a GPU backend initialises first in the default order', async () => {
    const host = fakeHost({ webgpu: { imgPerSec: 7.4, software: true }, webgl: { imgPerSec: 27 }, wasm: { imgPerSec: 238 } });
    const choice = await chooseBackend({ key: KEY }, host);
    expect(choice.backend).toBe('wasm');
    expect(choice.source).toBe('measured');
    expect(host.current()).toBe('wasm'); // switched back to the winner after the others were timed
    expect(choice.probes.map((p) => [p.backend, p.imgPerSec])).toEqual([
      ['wasm', 238],
      ['webgl', 27],
      ['webgpu', 7.4],
    ]);
    // Each later backend is timed against the best so far, so it can stop early.
    expect(host.log.filter((l) => l.startsWith('measure'))).toEqual(['measure wasm best=-', 'measure webgl best=238', 'measure webgpu best=238']);
  });

  it('lets a GPU win when it measures faster, and a software adapter only when it measures faster', async () => {
    expect((await chooseBackend({ key: KEY }, fakeHost({ webgpu: { imgPerSec: 900 }, wasm: { imgPerSec: 238 } }))).backend).toBe('webgpu');
    expect((await chooseBackend({ key: KEY }, fakeHost({ webgpu: { imgPerSec: 300, software: true }, wasm: { imgPerSec: 238 } }))).backend).toBe('webgpu');
    // A tie goes to the hardware path.
    const tie: BackendProbe[] = [
      { backend: 'webgpu', imgPerSec: 50, software: true },
      { backend: 'webgl', imgPerSec: 50 },
    ];
    expect(fastestProbe(tie)?.backend).toBe('webgl');
  });

  it('uses the cached probe of the same model shape: a second run does not probe', async () => {
    const cache = new Map<string, unknown>();
    const backends = { webgpu: { imgPerSec: 7.4, software: true }, webgl: { imgPerSec: 27 }, wasm: { imgPerSec: 238 } };
    const first = fakeHost(backends, cache);
    await chooseBackend({ key: KEY }, first);
    const second = fakeHost(backends, cache);
    const choice = await chooseBackend({ key: KEY }, second);
    expect(choice).toMatchObject({ backend: 'wasm', source: 'cached', measuredAt: '2026-12-01T12:00:00.000Z' });
    expect(choice.probes).toHaveLength(3);
    expect(second.log).toEqual(['init wasm']);
    // Another shape (or another browser) is another key: it probes.
    const third = fakeHost(backends, cache);
    await chooseBackend({ key: probeCacheKey({ ...SHAPE, backbone: 'resnet50', inputSize: 112 }, ENV) }, third);
    expect(third.log.filter((l) => l.startsWith('measure'))).toHaveLength(3);
    expect(probeCacheKey(SHAPE, { ...ENV, adapter: '' })).not.toBe(KEY);
  });

  it('probes again when the cached backend no longer starts, and ignores a foreign record', async () => {
    const cache = new Map<string, unknown>([[KEY, { key: KEY, backend: 'webgpu', measuredAt: 'x', probes: [{ backend: 'webgpu', imgPerSec: 900 }] }]]);
    const host = fakeHost({ webgpu: { reason: 'no adapter' }, wasm: { imgPerSec: 238 } }, cache);
    expect((await chooseBackend({ key: KEY }, host)).source).toBe('measured');
    expect(parseProbeCacheRecord({ key: KEY, backend: 'tpu', measuredAt: 'x', probes: [] })).toBeUndefined();
    expect(parseProbeCacheRecord({ key: KEY, backend: 'wasm', measuredAt: 'x', probes: [{ backend: 'wasm', imgPerSec: '238' }] })).toBeUndefined();
    const good: ProbeCacheRecord = { key: KEY, backend: 'wasm', measuredAt: 'x', probes: [{ backend: 'wasm', imgPerSec: 238, batch: 16, steps: 3 }] };
    expect(parseProbeCacheRecord(structuredClone(good))).toEqual(good);
  });

  it('skips a backend that fails to initialise or to train, with its reason, and falls back to cpu when none trains', async () => {
    const host = fakeHost({ webgpu: { reason: 'no WebGPU adapter' }, webgl: { throws: "Kernel 'X' not registered" }, wasm: { imgPerSec: 238 } });
    const choice = await chooseBackend({ key: KEY }, host);
    expect(choice.backend).toBe('wasm');
    expect(choice.probes).toEqual([
      { backend: 'wasm', imgPerSec: 238, batch: 16, steps: 3, ms: 5 },
      { backend: 'webgl', error: "its training step failed: Kernel 'X' not registered", ms: 5 },
      { backend: 'webgpu', error: 'no WebGPU adapter', ms: 5 },
    ]);
    const none = await chooseBackend({ key: KEY }, fakeHost({ cpu: { imgPerSec: 1 } }));
    expect(none.backend).toBe('cpu');
    expect(none.probes.at(-1)).toMatchObject({ backend: 'cpu', stopped: expect.stringMatching(/last resort/) });
    await expect(chooseBackend({ key: KEY }, fakeHost({}))).rejects.toThrow(/no tfjs backend could train: wasm: wasm is not registered;.*cpu: cpu is not registered/);
  });
});

describe("the probe's time box", () => {
  const budget = DEFAULT_PROBE_BUDGET;

  it('stops after the scout when even an ideal full-batch step could not beat the best so far', () => {
    // 2 images in 500 ms: a step of 16 in no more than 500 ms would be 32 img/s at best, below wasm's 238.
    const v = scoutVerdict({ scoutMs: 500, scoutBatch: 2, batch: 16, best: 238, budget });
    expect(v).toEqual({ stop: true, reason: expect.stringMatching(/clearly slower: .* 32 img\/s, below the best 238/) });
    expect(scoutVerdict({ scoutMs: 20, scoutBatch: 2, batch: 16, best: 238, budget })).toEqual({ stop: false });
  });

  it('measures at the scout batch only when full-batch steps would not fit the time box (ResNet50 on a software GPU)', () => {
    // 20 s for 2 images: a step of 32 would take about 320 s.
    const v = scoutVerdict({ scoutMs: 20_000, scoutBatch: 2, batch: 32, budget });
    expect(v).toEqual({ stop: true, reason: expect.stringMatching(/a step of 32 would take about 320\.0 s: measured at batch 2 only/) });
    // 50 ms for 2 images: a step of 32 (about 0.8 s, if linear in the batch) fits the 8 s box.
    expect(scoutVerdict({ scoutMs: 50, scoutBatch: 2, batch: 32, budget })).toEqual({ stop: false });
  });

  it('stops timing full-batch steps when enough are timed, when clearly slower, or when out of time', () => {
    expect(stepVerdict({ timedMs: [], batch: 16, elapsedMs: 6000, budget })).toEqual({ stop: false });
    expect(stepVerdict({ timedMs: [], batch: 16, elapsedMs: 9000, budget })).toMatchObject({
      stop: true,
      reason: expect.stringMatching(/warm-up step of 16 used up the probe's 8 s/),
    });
    expect(stepVerdict({ timedMs: [70, 66], batch: 16, elapsedMs: 1000, best: 238, budget })).toEqual({ stop: false });
    expect(stepVerdict({ timedMs: [70, 66, 68], batch: 16, elapsedMs: 1000, budget })).toEqual({ stop: true });
    // 16 images in 600 ms = 27 img/s: with a factor of 2 still below 238.
    expect(stepVerdict({ timedMs: [600], batch: 16, elapsedMs: 7000, best: 238, budget })).toMatchObject({
      stop: true,
      reason: expect.stringMatching(/clearly slower than the best \(238 img\/s\) after 1 timed step$/),
    });
    expect(stepVerdict({ timedMs: [2000], batch: 16, elapsedMs: 7000, budget })).toMatchObject({ stop: true, reason: expect.stringMatching(/out of the probe's 8 s/) });
  });
});

describe('the status wording', () => {
  it('names the chosen backend and the measured figures', () => {
    const probes: BackendProbe[] = [
      { backend: 'wasm', imgPerSec: 238.4, batch: 16, steps: 3 },
      { backend: 'webgl', imgPerSec: 27.2, batch: 16, steps: 1, stopped: 'clearly slower' },
      { backend: 'webgpu', imgPerSec: 7.43, batch: 16, steps: 1, adapter: 'SwiftShader', software: true },
    ];
    expect(backendStatusText('wasm', [probes[0], probes[2], probes[1]])).toBe('WASM · 238 img/s — WebGPU (SwiftShader, software) 7.4 img/s, WebGL 27 img/s');
    expect(backendStatusText('wasm', [probes[0], { backend: 'webgpu', imgPerSec: 0.056, batch: 2 }, { backend: 'webgl', error: 'no WebGL2' }])).toBe(
      'WASM · 238 img/s — WebGPU 0.056 img/s at batch 2, WebGL failed',
    );
    expect(backendStatusText('cpu', [])).toBe('CPU');
  });
});
