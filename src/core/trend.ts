/**
 * Least-squares straight line through samples, for the soak benchmark (`npm run bench -- --soak`): memory that
 * leaks grows along a line, so the fitted slope and its standard error say whether a series is flat (the slope
 * within about two standard errors of zero) or climbing.
 */

/** The line y ≈ intercept + slope·x and how well the samples pin its slope down. */
export interface Trend {
  slope: number;
  intercept: number;
  /** Standard error of the slope (NaN with fewer than 3 samples: two points fit any line exactly). */
  slopeStdErr: number;
  /** Samples fitted. */
  n: number;
}

/** The least-squares line through (xs[i], ys[i]); throws when the lengths differ or fewer than 2 distinct xs. */
export function linearTrend(xs: ArrayLike<number>, ys: ArrayLike<number>): Trend {
  const n = xs.length;
  if (ys.length !== n) throw new Error(`linearTrend: ${n} xs but ${ys.length} ys`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] / n;
    my += ys[i] / n;
  }
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (!(sxx > 0)) throw new Error('linearTrend needs at least two distinct x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let residual = 0;
  for (let i = 0; i < n; i++) residual += (ys[i] - intercept - slope * xs[i]) ** 2;
  const slopeStdErr = n > 2 ? Math.sqrt(residual / (n - 2) / sxx) : Number.NaN;
  return { slope, intercept, slopeStdErr, n };
}

/**
 * Whether a trend is flat: its slope within `k` standard errors of zero, or (for series that are exactly constant,
 * whose standard error is 0) exactly zero. NaN standard errors (too few samples) are never called flat.
 */
export function isFlat(trend: Trend, k = 2): boolean {
  if (trend.slope === 0) return true;
  return Number.isFinite(trend.slopeStdErr) && Math.abs(trend.slope) <= k * trend.slopeStdErr;
}
