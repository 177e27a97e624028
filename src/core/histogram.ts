/**
 * Fixed-width histograms, and the angle histograms the report plots: for a pair with cosine
 * similarity s the angle between the two embeddings is θ = arccos(s) in degrees. Margin losses
 * (ArcFace, CosFace) push positive angles down and negative angles towards 90°, so the two
 * histograms show directly what a margin did.
 */

/** Counts of values in `bins` equal-width bins over [min, max]. */
export interface Histogram {
  /** Bin edges, length bins + 1: bin i covers [edges[i], edges[i+1]); the last bin also holds max. */
  readonly edges: Float64Array;
  /** Count per bin, length bins. */
  readonly counts: Uint32Array;
  /** Values below min (not in any bin). */
  readonly underflow: number;
  /** Values above max (not in any bin). */
  readonly overflow: number;
  /** Number of values counted in bins (excludes under/overflow). */
  readonly total: number;
}

/** Range and resolution of a histogram. */
export interface HistogramOptions {
  readonly bins: number;
  readonly min: number;
  readonly max: number;
}

/** Angle histograms cover the full range of arccos, 0–180°; 90 bins are 2° each. */
export const DEFAULT_ANGLE_HISTOGRAM: Readonly<HistogramOptions> = Object.freeze({ bins: 90, min: 0, max: 180 });

/**
 * Counts `values` into `bins` equal-width bins over [min, max]. A value exactly at max goes in the
 * last bin (so a closed range loses nothing); values outside go to underflow/overflow. NaN throws.
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions): Histogram {
  const { bins, min, max } = options;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram bins must be a positive integer, got ${bins}`);
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) throw new Error(`histogram range must be finite with min < max, got [${min}, ${max}]`);
  const width = (max - min) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = min + i * width;
  edges[bins] = max; // exact, whatever rounding min + bins·width had
  const counts = new Uint32Array(bins);
  let underflow = 0;
  let overflow = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new Error(`histogram value ${i} is NaN`);
    if (v < min) underflow++;
    else if (v > max) overflow++;
    else {
      let bin = Math.floor((v - min) / width);
      // Floating-point division can land one bin off near an edge: settle it against the edges.
      if (bin >= bins) bin = bins - 1;
      else if (v < edges[bin]) bin--;
      else if (bin + 1 < bins && v >= edges[bin + 1]) bin++;
      counts[bin]++;
    }
  }
  return { edges, counts, underflow, overflow, total: values.length - underflow - overflow };
}

/** Angle in degrees between two unit vectors whose cosine similarity is `score` (clamped to [-1, 1]). */
export function angleDegrees(score: number): number {
  const clamped = score > 1 ? 1 : score < -1 ? -1 : score;
  return (Math.acos(clamped) * 180) / Math.PI;
}

/** Positive-pair and negative-pair angle histograms. */
export interface AngleHistograms {
  readonly positives: Histogram;
  readonly negatives: Histogram;
}

/**
 * Histograms of θ = arccos(score) in degrees, split by label (1 = same identity → positives).
 * `bins` sets the resolution over 0–180° (default 90, i.e. 2° bins).
 */
export function angleHistograms(labels: ArrayLike<number>, scores: ArrayLike<number>, bins: number = DEFAULT_ANGLE_HISTOGRAM.bins): AngleHistograms {
  if (labels.length !== scores.length) throw new Error(`labels (${labels.length}) and scores (${scores.length}) differ in length`);
  let positiveCount = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positiveCount++;
  const positiveAngles = new Float64Array(positiveCount);
  const negativeAngles = new Float64Array(labels.length - positiveCount);
  let p = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const angle = angleDegrees(scores[i]);
    if (labels[i] === 1) positiveAngles[p++] = angle;
    else negativeAngles[n++] = angle;
  }
  const options = { ...DEFAULT_ANGLE_HISTOGRAM, bins };
  return { positives: histogram(positiveAngles, options), negatives: histogram(negativeAngles, options) };
}
