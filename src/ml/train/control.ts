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
  private ended = false;
  private wake: (() => void) | null = null;
  private live: LiveParams | null = null;
  /** Callers of settled(): woken when the loop parks, the pause is taken back, or the run ends. */
  private settling: (() => void)[] = [];

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
    this.settle();
  }

  /** Finish the current batch, then end the run (reason 'stopped'); also ends a pause. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
    this.settle();
  }

  /**
   * Resolves once a requested pause has taken effect (the loop is parked and its last step is reported), the pause
   * was taken back, or the run ended: what "Pause" waits for before the page says "paused" rather than "pausing…".
   */
  settled(): Promise<void> {
    if (!this.paused || this.waiting || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.settling.push(resolve));
  }

  /** Called by the loop when the run ends (however it ends): nothing waits on it any more. */
  end(): void {
    this.ended = true;
    this.settle();
  }

  private settle(): void {
    const waiting = this.settling.splice(0);
    waiting.forEach((resolve) => resolve());
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
      this.settle();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      this.waiting = false;
    }
    return !this.stopped;
  }
}

/**
 * Resolves in a later task of the event loop, not a microtask. The training loop awaits it before each step: a loop
 * whose awaits all settle as microtasks (reads on the CPU and wasm backends do) would otherwise never let the worker
 * handle a queued "pause" or "stop" message until the run ended. setImmediate in Node; a MessageChannel elsewhere,
 * because nested setTimeout(0) calls are clamped to 4 ms in browsers.
 */
export function nextTask(): Promise<void> {
  const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (setImmediate) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
