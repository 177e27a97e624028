/**
 * Per-kernel totals of a profiled training run (`npm run bench -- … --profile`): what tf.profile
 * recorded, kernel by kernel, summed per kernel name and divided by the steps profiled. A run's first
 * step does more than the others (variables and optimiser slots created, memory grown), so the caller
 * profiles a run of N + 1 steps and a run of 1 step and passes the latter as `baseline`: the difference
 * is N steps as they run from the second on. Pure: the caller turns tf.profile's records into
 * `ProfiledKernel`s.
 */

/** One kernel call as tf.profile recorded it; `timeMs` is undefined where the backend gave no time. */
export interface ProfiledKernel {
  name: string;
  timeMs: number | undefined;
}

/** One kernel name's share of a step (the `kernels` rows of the bench JSON: add, never rename). */
export interface KernelTime {
  name: string;
  /** Time of all its calls in one step, ms (mean over the steps profiled). */
  msPerStep: number;
  /** Calls in one step (mean). */
  callsPerStep: number;
  /** Its part of all timed kernel time, 0–1. */
  share: number;
}

/** What summarizeKernelProfile returns: the top kernels and what the table leaves out. */
export interface KernelProfileSummary {
  kernels: KernelTime[];
  /** Timed kernel time of one step, all kernels, ms. */
  kernelMsPerStep: number;
  /** Calls in the N steps that the backend gave no time for (WebGPU without timestamp queries): calls only. */
  untimedCalls: number;
}

/**
 * tfjs records an op with a custom gradient (fused conv2d and matMul with a bias or an activation) as one more
 * "kernel", named after the op plus this suffix, around the kernels it runs: counting it would count those twice.
 */
export const OP_SCOPE_SUFFIX = '__op';

/** The default of KernelProfileOptions.isKernel: every name but an op scope (OP_SCOPE_SUFFIX). */
const isNotOpScope = (name: string): boolean => !name.endsWith(OP_SCOPE_SUFFIX);

/** Options of summarizeKernelProfile. */
export interface KernelProfileOptions {
  /** Records of a run to subtract, kernel by kernel (a 1-step run: see the module comment). */
  baseline?: readonly ProfiledKernel[];
  /** Kernel names kept, longest first (default 15). */
  top?: number;
  /**
   * Whether a record's name is a kernel; records that are not (scopes around the kernels they ran) are left out.
   * Default: every name but an op scope. A caller that knows the backend's kernel registry passes it, which also
   * leaves out the scopes of tf.customGrad functions, named after the enclosing scope ('unnamed scope' when none).
   */
  isKernel?: (name: string) => boolean;
}

/**
 * Sums `records` per kernel name, minus the `baseline` run's sums, over `steps` steps and keeps the `top` names by
 * time, longest first (ties, as when a backend times nothing, by calls, then by name, so the order is stable).
 * Records that are not kernels (`isKernel`) are left out; a kernel whose time or calls come out below zero (timing
 * noise against the baseline) counts as zero.
 */
export function summarizeKernelProfile(
  records: readonly ProfiledKernel[],
  steps: number,
  { baseline = [], top = 15, isKernel = isNotOpScope }: KernelProfileOptions = {},
): KernelProfileSummary {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  const byName = new Map<string, { ms: number; calls: number }>();
  let untimedCalls = 0;
  const tally = (kernelRecords: readonly ProfiledKernel[], sign: 1 | -1) => {
    for (const { name, timeMs } of kernelRecords) {
      if (!isKernel(name)) continue;
      const entry = byName.get(name) ?? { ms: 0, calls: 0 };
      entry.calls += sign;
      if (timeMs === undefined || !Number.isFinite(timeMs)) untimedCalls += sign;
      else entry.ms += sign * timeMs;
      byName.set(name, entry);
    }
  };
  tally(records, 1);
  tally(baseline, -1);
  for (const entry of byName.values()) {
    entry.calls = Math.max(0, entry.calls);
    // A kernel of the first step only (calls net out to 0) leaves no time either, whatever the noise.
    entry.ms = entry.calls > 0 ? Math.max(0, entry.ms) : 0;
  }
  const totalMs = [...byName.values()].reduce((sum, { ms }) => sum + ms, 0);
  const kernels = [...byName.entries()]
    .filter(([, { calls }]) => calls > 0)
    .sort(([nameA, a], [nameB, b]) => b.ms - a.ms || b.calls - a.calls || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0))
    .slice(0, top)
    .map(([name, { ms, calls }]) => ({
      name,
      msPerStep: round(ms / steps, 1000),
      callsPerStep: round(calls / steps, 100),
      share: totalMs > 0 ? round(ms / totalMs, 1000) : 0,
    }));
  return { kernels, kernelMsPerStep: round(totalMs / steps, 1000), untimedCalls: Math.max(0, untimedCalls) };
}

function round(value: number, scale: number): number {
  return Math.round(value * scale) / scale;
}
