/**
 * Column series as the plots keep them: per-step figures arrive in small batches and are appended,
 * and noisy training curves are shown next to an exponentially smoothed copy (as TensorBoard does).
 */

/** A record of equally long Float32Array columns. */
export type Columns<K extends string> = Record<K, Float32Array>;

/** `base` with `more` appended to every column (new arrays; the inputs are not changed). */
export function appendColumns<K extends string>(base: Columns<K>, more: Columns<K>): Columns<K> {
  const out = {} as Columns<K>;
  for (const key of Object.keys(more) as K[]) {
    const a = base[key] ?? new Float32Array(0);
    const b = more[key];
    const joined = new Float32Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    out[key] = joined;
  }
  return out;
}

/** Empty columns with the given names. */
export function emptyColumns<K extends string>(keys: readonly K[]): Columns<K> {
  return Object.fromEntries(keys.map((k) => [k, new Float32Array(0)])) as Columns<K>;
}

/**
 * Debiased exponential moving average (weight `smoothing` on the past, as TensorBoard's slider):
 * s_t = smoothing·s_{t−1} + (1 − smoothing)·x_t, divided by 1 − smoothing^t so the curve does not start at 0.
 * Non-finite values are carried through without poisoning the average.
 */
export function smoothSeries(values: ArrayLike<number>, smoothing: number): Float32Array {
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`smoothing must be in [0, 1), got ${smoothing}`);
  const out = new Float32Array(values.length);
  let average = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) {
      out[i] = x;
      continue;
    }
    average = smoothing * average + (1 - smoothing) * x;
    weight = smoothing * weight + (1 - smoothing);
    out[i] = average / weight;
  }
  return out;
}
