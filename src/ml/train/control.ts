/**
 * Pause, resume and graceful stop of a running loop. The loop calls `gate()` between batches: it waits
 * there while paused and learns there that a stop was asked for, so a batch is never cut in half.
 */
import type { LiveParams } from '../../protocol/events.ts';

/** Shared between the loop and whoever controls it (the worker API, the CLI's signal handler, tests). */
export class TrainControl {
  private paused = false;
  private stopped = false;
  private waiting = false;
  private wake: (() => void) | null = null;
  private live: LiveParams | null = null;

  /**
   * Queue a change of margin, α or learning rate; the loop takes it before its next step (changes made
   * before it takes them merge, later values winning).
   */
  setLive(params: LiveParams): void {
    this.live = { ...(this.live ?? {}), ...params };
  }

  /** The queued live change, once (null when none); called by the loop before each step. */
  takeLive(): LiveParams | null {
    const live = this.live;
    this.live = null;
    return live;
  }

  /** Pause before the next batch. */
  pause(): void {
    this.paused = true;
  }

  /** Continue after a pause. */
  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  /** Finish the current batch, then end the run (reason 'stopped'); also ends a pause. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Whether stop() was called. */
  get stopRequested(): boolean {
    return this.stopped;
  }

  /** Whether a pause was asked for and not yet resumed. */
  get pauseRequested(): boolean {
    return this.paused;
  }

  /** True while the loop is parked in gate() by a pause. */
  get isParked(): boolean {
    return this.waiting;
  }

  /** Called by the loop between batches: waits while paused; false when the loop must stop. */
  async gate(): Promise<boolean> {
    while (this.paused && !this.stopped) {
      this.waiting = true;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      this.waiting = false;
    }
    return !this.stopped;
  }
}
