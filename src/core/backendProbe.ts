/**
 * Choosing the training backend by measurement (issue 12): the lab times a few real training steps of the run's
 * model on every backend that initialises and trains on the fastest. This file is the pure part: the probe's
 * order and time box, the rules that stop a backend early, the fastest-wins choice, the cache key and records, and
 * the status wording. Backends, clocks and the cache are injected (workers/backend.ts gives the real ones, the unit
 * tests fakes), so nothing here touches tfjs or the DOM.
 */

/** tfjs backends (the same names as src/protocol/backend.ts BackendName, which re-exports this type). */
export type ProbeBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * Backends the probe times, in this order. The CPU-side wasm goes first: its step time is predictable and cheap to
 * measure, so the GPU backends after it are timed against a known best and stopped as soon as they are clearly
 * slower (a software adapter such as SwiftShader then costs one small step instead of minutes). The order decides
 * nothing else: the fastest measured wins.
 */
export const PROBE_ORDER: readonly ProbeBackendName[] = Object.freeze(['wasm', 'webgl', 'webgpu']);

/** The backend used, unmeasured, only when none of PROBE_ORDER initialises or trains. */
export const LAST_RESORT_BACKEND: ProbeBackendName = 'cpu';

/** Display names, as the status line shows them. */
export const BACKEND_DISPLAY_NAMES: Readonly<Record<ProbeBackendName, string>> = Object.freeze({ webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' });

/** One backend's probe: its measured training speed, or why it has none. */
export interface BackendProbe {
  backend: ProbeBackendName;
  /** Training images per second over the timed steps (absent when it could not train). */
  imgPerSec?: number;
  /** The batch size those steps had: the run's, or the small scout batch when a full step would not fit the time box. */
  batch?: number;
  /** Timed steps (warm-up steps, which compile shaders, are not counted). */
  steps?: number;
  /** The adapter's name for display ("SwiftShader"), for WebGPU. */
  adapter?: string;
  /** A software or fallback adapter: it wins only by measuring faster, like any other. */
  software?: boolean;
  /** Why the probe stopped this backend before its last step (clearly slower than the best, or out of time). */
  stopped?: string;
  /** Why it was not measured (it did not initialise, or its training step threw). */
  error?: string;
  /** Wall time the probe spent on it (initialisation, warm-up, timed steps), ms. */
  ms?: number;
}

/**
 * How much one backend's probe may cost, and when it stops. The time box starts after the backend's first step: that
 * step compiles its shaders (WebGPU +5–7 s on the tiny net, +13 s on ResNet50, /work/shared/platform-notes.md), a
 * one-off cost that says nothing of its speed and would otherwise cut a real GPU's probe short.
 */
export interface ProbeBudget {
  /** Wall time one backend's steps may take after its first, ms (a step already dispatched still ends). */
  budgetMs: number;
  /** Timed steps at the run's batch size after the warm-up step. */
  timedSteps: number;
  /**
   * Batch of the scout steps (one warm-up, one timed) run first when the run's batch is larger: they bound what a
   * full step costs before one is dispatched.
   */
  scoutBatch: number;
  /** "Clearly slower": its rate times this factor is still below the best so far. */
  slowerFactor: number;
}

/**
 * The default time box: 8 s of steps per backend after its first, enough for a warm-up and three timed steps of the
 * tiny model at batch 32 even on SwiftShader WebGPU (1.9–3.2 s per step at batch 16, platform notes) when it is not
 * stopped as slower first; three timed steps average out single-step noise; a factor of 2 leaves room for that noise.
 */
export const DEFAULT_PROBE_BUDGET: Readonly<ProbeBudget> = Object.freeze({ budgetMs: 8000, timedSteps: 3, scoutBatch: 2, slowerFactor: 2 });

/** Images per second of `batch` images in `ms`. */
export function rateOf(batch: number, ms: number): number {
  return (batch * 1000) / Math.max(ms, 1e-3);
}

/** The verdict after a step: go on, or stop with the reason the probe entry keeps. */
export type ProbeVerdict = { stop: false } | { stop: true; reason?: string };

/**
 * After the scout steps (batch `scoutBatch`, the timed one took `scoutMs`): whether to go on to full-batch steps. A
 * step of `batch` images takes at least as long as one of `scoutBatch` (more images never make a step shorter), so
 * `batch / scoutMs` bounds the full-batch rate from above: below the best so far, the backend cannot win. And a full
 * step costs at most about scoutMs × batch / scoutBatch (linear in the batch: the worst case; wasm measured 5× less
 * for ResNet18@64 at 16 against 2): when one step of that size would not fit the time box, the scout's rate stands
 * as its measurement (an underestimate), so one backend's probe costs at most its first step, the scout step and
 * about twice the box.
 */
export function scoutVerdict(o: { scoutMs: number; scoutBatch: number; batch: number; best?: number; budget: ProbeBudget }): ProbeVerdict {
  const bound = rateOf(o.batch, o.scoutMs);
  if (o.best !== undefined && bound < o.best) {
    return {
      stop: true,
      reason: `clearly slower: even if a step of ${o.batch} took no longer than one of ${o.scoutBatch}, it would reach ${formatRate(bound)} img/s, below the best ${formatRate(o.best)}`,
    };
  }
  const fullMs = (o.scoutMs * o.batch) / o.scoutBatch;
  if (o.scoutMs + fullMs > o.budget.budgetMs) {
    return {
      stop: true,
      reason: `a step of ${o.batch} would take about ${(fullMs / 1000).toFixed(1)} s: measured at batch ${o.scoutBatch} only, to stay within the probe's ${o.budget.budgetMs / 1000} s`,
    };
  }
  return { stop: false };
}

/**
 * After a full-batch step: `timedMs` are the timed steps so far (the warm-up excluded), `elapsedMs` the time since
 * the time box started (after the backend's first step). Stops when enough steps are timed, when the backend is clearly slower than the best so
 * far, or when another step would overrun the time box.
 */
export function stepVerdict(o: { timedMs: readonly number[]; batch: number; elapsedMs: number; best?: number; budget: ProbeBudget }): ProbeVerdict {
  const n = o.timedMs.length;
  if (n >= o.budget.timedSteps) return { stop: true };
  if (n === 0) {
    // Only the full-batch warm-up so far: stop only when it used up the time box (its rate is not a measurement).
    return o.elapsedMs >= o.budget.budgetMs ? { stop: true, reason: `its warm-up step of ${o.batch} used up the probe's ${o.budget.budgetMs / 1000} s` } : { stop: false };
  }
  const meanMs = o.timedMs.reduce((a, b) => a + b, 0) / n;
  const rate = rateOf(o.batch, meanMs);
  if (o.best !== undefined && rate * o.budget.slowerFactor < o.best) {
    return { stop: true, reason: `clearly slower than the best (${formatRate(o.best)} img/s) after ${n} timed step${n === 1 ? '' : 's'}` };
  }
  if (o.elapsedMs + meanMs > o.budget.budgetMs) return { stop: true, reason: `out of the probe's ${o.budget.budgetMs / 1000} s after ${n} timed step${n === 1 ? '' : 's'}` };
  return { stop: false };
}

/**
 * The fastest measured probe. Ties go to a hardware adapter over a software one, then to PROBE_ORDER; a software or
 * fallback adapter wins only by measuring faster.
 */
export function fastestProbe(probes: readonly BackendProbe[]): BackendProbe | undefined {
  const measured = probes.filter((p) => p.imgPerSec !== undefined && Number.isFinite(p.imgPerSec) && p.imgPerSec > 0);
  const rank = (p: BackendProbe) => PROBE_ORDER.indexOf(p.backend);
  return measured.reduce<BackendProbe | undefined>((best, p) => {
    if (!best) return p;
    if (p.imgPerSec! !== best.imgPerSec!) return p.imgPerSec! > best.imgPerSec! ? p : best;
    if (Boolean(p.software) !== Boolean(best.software)) return best.software ? p : best;
    return rank(p) < rank(best) ? p : best;
  }, undefined);
}

/** What of a run decides its training speed: the cache keeps one probe per shape. */
export interface ProbeShape {
  backbone: string;
  width?: number;
  inputSize: number;
  embeddingDim: number;
  embeddingNorm?: string;
  batchSize: number;
  /** Rows of the class head (K × D weights take part in every step). */
  numIdentities: number;
  optimizer: string;
}

/** What identifies the browser and its devices: a probe measured elsewhere says nothing here. */
export interface ProbeEnvironment {
  tfjsVersion: string;
  userAgent: string;
  /** The WebGPU adapter (vendor, architecture, device, description), or '' when there is none. */
  adapter: string;
  /** Threads the wasm backend computes on. */
  wasmThreads: number;
}

/** Version of the cache's key and record layout: a change makes every stored probe a miss. */
export const PROBE_CACHE_VERSION = 1;

/** The cache key of a model shape in an environment (every field, in a fixed order). */
export function probeCacheKey(shape: ProbeShape, env: ProbeEnvironment): string {
  const s = [shape.backbone, shape.width ?? '', shape.inputSize, shape.embeddingDim, shape.embeddingNorm ?? 'none', shape.batchSize, shape.numIdentities, shape.optimizer];
  const e = [env.tfjsVersion, env.userAgent, env.adapter, env.wasmThreads];
  return JSON.stringify([PROBE_CACHE_VERSION, s, e]);
}

/** A stored probe: what each backend measured for one key, and the backend chosen. */
export interface ProbeCacheRecord {
  key: string;
  backend: ProbeBackendName;
  probes: BackendProbe[];
  /** ISO time of the measurement. */
  measuredAt: string;
}

const NAMES: readonly string[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const isName = (v: unknown): v is ProbeBackendName => typeof v === 'string' && NAMES.includes(v);
const optional = (v: unknown, type: 'number' | 'string' | 'boolean') => v === undefined || typeof v === type;

/** A stored record, checked field by field (IndexedDB holds whatever an older or newer lab wrote); undefined if foreign. */
export function parseProbeCacheRecord(value: unknown): ProbeCacheRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.key !== 'string' || !isName(r.backend) || typeof r.measuredAt !== 'string' || !Array.isArray(r.probes)) return undefined;
  const probes: BackendProbe[] = [];
  for (const p of r.probes as unknown[]) {
    if (typeof p !== 'object' || p === null) return undefined;
    const q = p as Record<string, unknown>;
    const fields: [unknown, 'number' | 'string' | 'boolean'][] = [
      [q.imgPerSec, 'number'],
      [q.batch, 'number'],
      [q.steps, 'number'],
      [q.adapter, 'string'],
      [q.software, 'boolean'],
      [q.stopped, 'string'],
      [q.error, 'string'],
      [q.ms, 'number'],
    ];
    if (!isName(q.backend) || !fields.every(([v, t]) => optional(v, t))) return undefined;
    probes.push(q as unknown as BackendProbe);
  }
  if (!probes.some((p) => p.backend === r.backend)) return undefined;
  return { key: r.key, backend: r.backend, probes, measuredAt: r.measuredAt };
}

/** Where probe records are kept (IndexedDB in the worker; a Map in tests). */
export interface ProbeCache {
  get(key: string): Promise<unknown>;
  put(record: ProbeCacheRecord): Promise<void>;
}

/** What the chooser needs from its host. */
export interface BackendProbeHost {
  /** Makes `backend` the current one; resolves with why it could not, or undefined when it is in use. */
  init(backend: ProbeBackendName): Promise<string | undefined>;
  /** Times training steps on the current backend (`best`: the best rate so far, to stop early); may throw. */
  measure(backend: ProbeBackendName, best: number | undefined): Promise<Omit<BackendProbe, 'backend'>>;
  /** Adapter fields of a backend's probe entry (WebGPU's adapter name, software or not). */
  describe?(backend: ProbeBackendName): Pick<BackendProbe, 'adapter' | 'software'>;
  cache?: ProbeCache;
  now?(): Date;
  /** A clock in ms for each probe's cost (default Date.now). */
  clock?(): number;
}

/** How the backend in use was chosen. */
export type BackendChoiceSource = 'measured' | 'cached' | 'forced';

/** The chooser's answer. */
export interface BackendChoice {
  backend: ProbeBackendName;
  source: BackendChoiceSource;
  /** Every probe entry (the cached ones when source is 'cached'). */
  probes: BackendProbe[];
  measuredAt?: string;
}

/**
 * Chooses the backend for the shape `key`: a cached record whose backend still initialises, else a probe of every
 * backend of `order` that initialises, the fastest of which is used and cached. A backend that fails is skipped with
 * its reason; when none trains, LAST_RESORT_BACKEND is used unmeasured. (A backend the user forced never gets here:
 * workers/backend.ts pins the worker to it without a probe.)
 */
export async function chooseBackend(request: { key: string; order?: readonly ProbeBackendName[] }, host: BackendProbeHost): Promise<BackendChoice> {
  const cached = parseProbeCacheRecord(await host.cache?.get(request.key).catch(() => undefined));
  if (cached && cached.key === request.key && !(await host.init(cached.backend))) {
    return { backend: cached.backend, source: 'cached', probes: cached.probes, measuredAt: cached.measuredAt };
  }
  const probes: BackendProbe[] = [];
  const clock = host.clock ?? Date.now;
  for (const backend of request.order ?? PROBE_ORDER) {
    const started = clock();
    const described = { backend, ...host.describe?.(backend) };
    const reason = await host.init(backend);
    let probe: BackendProbe;
    if (reason) probe = { ...described, error: reason };
    else {
      try {
        probe = { ...described, ...(await host.measure(backend, fastestProbe(probes)?.imgPerSec)) };
      } catch (err) {
        probe = { ...described, error: `its training step failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    probes.push({ ...probe, ms: Math.round(clock() - started) });
  }
  const winner = fastestProbe(probes);
  const measuredAt = (host.now?.() ?? new Date()).toISOString();
  if (winner) {
    const reason = await host.init(winner.backend);
    if (reason) throw new Error(`${BACKEND_DISPLAY_NAMES[winner.backend]} measured fastest but did not start again: ${reason}`);
    await host.cache?.put({ key: request.key, backend: winner.backend, probes, measuredAt }).catch(() => undefined);
    return { backend: winner.backend, source: 'measured', probes, measuredAt };
  }
  const reason = await host.init(LAST_RESORT_BACKEND);
  if (reason) throw new Error(`no tfjs backend could train: ${[...probes.map((p) => `${p.backend}: ${p.error}`), `cpu: ${reason}`].join('; ')}`);
  probes.push({ backend: LAST_RESORT_BACKEND, stopped: 'not measured: the last resort, used because no other backend trains' });
  return { backend: LAST_RESORT_BACKEND, source: 'measured', probes, measuredAt };
}

/** A rate as the status shows it: whole numbers from 10 img/s, one decimal from 1, two significant digits below. */
export function formatRate(imgPerSec: number): string {
  if (imgPerSec >= 10) return imgPerSec.toFixed(0);
  if (imgPerSec >= 1) return imgPerSec.toFixed(1);
  return imgPerSec.toPrecision(2);
}

function probeLabel(p: BackendProbe): string {
  const adapter = [p.adapter, p.software ? 'software' : undefined].filter(Boolean).join(', ');
  return `${BACKEND_DISPLAY_NAMES[p.backend]}${adapter ? ` (${adapter})` : ''}`;
}

function probeFigure(p: BackendProbe, batch: number | undefined): string {
  if (p.imgPerSec === undefined) return p.error ? 'failed' : 'not measured';
  const at = p.batch !== undefined && batch !== undefined && p.batch !== batch ? ` at batch ${p.batch}` : '';
  return `${formatRate(p.imgPerSec)} img/s${at}`;
}

/**
 * The status line of a measured choice: the chosen backend and its rate, then the others'
 * ("WASM · 238 img/s — WebGPU (SwiftShader, software) 7.4 img/s, WebGL 27 img/s").
 */
export function backendStatusText(backend: ProbeBackendName, probes: readonly BackendProbe[]): string {
  const chosen = probes.find((p) => p.backend === backend);
  const batch = chosen?.batch;
  const head = chosen ? `${BACKEND_DISPLAY_NAMES[backend]} · ${probeFigure(chosen, batch)}` : BACKEND_DISPLAY_NAMES[backend];
  const others = probes.filter((p) => p !== chosen).map((p) => `${probeLabel(p)} ${probeFigure(p, batch)}`);
  return others.length > 0 ? `${head} — ${others.join(', ')}` : head;
}
