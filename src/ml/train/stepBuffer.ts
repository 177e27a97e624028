/**
 * Batches per-step points into step events at a bounded rate: a StepEvent goes out at most once per
 * `minIntervalMs` (default 100 ms, i.e. ≤ 10 a second) carrying every point recorded since the last
 * one, so no step is lost however fast the steps are. `flush()` sends what is pending at once (the loop
 * calls it before an eval, warning, diverged or done event, so events stay in step order).
 */
import { mapStepColumns, type StepPoint } from '../../core/stepColumns.ts';
import type { StepEvent, StepPoints } from '../../protocol/events.ts';

/** Minimum time between two step events, ms (≈ 10 events a second). */
export const DEFAULT_STEP_EVENT_INTERVAL_MS = 100;

/** Packs points into Float32Array columns (fresh buffers: safe to transfer). */
export function packPoints(points: readonly StepPoint[]): StepPoints {
  return mapStepColumns((name) => Float32Array.from(points, (p) => p[name]));
}

/** Collects step points and emits them as throttled StepEvents. */
export class StepEventBuffer {
  private pending: StepPoint[] = [];
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly runId: string,
    private readonly emit: (event: StepEvent) => void,
    private readonly minIntervalMs = DEFAULT_STEP_EVENT_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records a point and emits the pending ones if the interval has passed. */
  add(point: StepPoint): void {
    this.pending.push(point);
    if (this.now() - this.lastEmit >= this.minIntervalMs) this.flush();
  }

  /** Emits every pending point now (nothing when none is pending). */
  flush(): void {
    if (this.pending.length === 0) return;
    const points = packPoints(this.pending);
    this.pending = [];
    this.lastEmit = this.now();
    this.emit({ type: 'step', runId: this.runId, points });
  }
}
