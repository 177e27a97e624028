/**
 * Drives training runs in the lab worker. Events arrive through a comlink proxy callback and are folded
 * into the run record off React's path; React sees at most one update per PUBLISH_INTERVAL_MS (the first at
 * once), so the main thread stays responsive however fast the worker reports.
 */
import * as Comlink from 'comlink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendName, DataSpec, DataSummary, RunResult, TrainConfig, TrainEvent, TrainEventHandler } from '../../protocol/api.ts';
import { truncateRun } from '../runs/applyEvent.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { LabWorkerHandle } from './labBridge.ts';
import { trackRun, type RunTracker } from './runTracker.ts';

/**
 * Live updates reach React at most this often. A redraw of the loss curve costs tens of milliseconds on a slow
 * machine (measured in tests/e2e/lab-ui.test.ts), so four a second keep the curve live and the page responsive.
 */
export const PUBLISH_INTERVAL_MS = 250;

/** What starts a run. */
export interface RunRequest {
  config: TrainConfig;
  label: string;
  data: DataSpec;
  dataLabel: string;
  /** The preset whose settings these are, kept on the run record (absent: custom settings). */
  presetId?: string;
}

/** The training state the UI shows, and its commands. */
export interface Training {
  /** The run being trained (or the last one), updated live. */
  run?: RunRecord;
  /**
   * 'preparing' covers data loading and the first step's shader compilation; 'pausing' and 'stopping' last from the
   * click until the step in flight has finished (the worker answers "pause" once the run is parked).
   */
  phase: 'idle' | 'preparing' | 'training' | 'pausing' | 'paused' | 'stopping';
  /** What the run trains on, once loaded (for the epoch count). */
  data?: DataSummary;
  /** Start a run; resolves with its final record when it ends (undefined when it could not start). */
  start(request: RunRequest): Promise<RunRecord | undefined>;
  /**
   * Continue `run` from its stored checkpoint, taken after `fromStep` steps (e.g. after a page reload) and `seconds`
   * of training when the checkpoint kept its time.
   */
  resumeRun(run: RunRecord, fromStep: number, seconds?: number): Promise<RunRecord | undefined>;
  pause(): void;
  resume(): void;
  /** Graceful stop: the current batch finishes and the run ends with status 'stopped'. */
  stop(): void;
}

/**
 * Training runs on `worker`. `onRunChange` receives the record at evaluations and at the end (the moments worth
 * storing); live step updates go to `run` only.
 */
export function useTraining(worker: LabWorkerHandle | undefined, backend: BackendName | undefined, onRunChange: (run: RunRecord) => void): Training {
  const [run, setRun] = useState<RunRecord>();
  const [phase, setPhase] = useState<Training['phase']>('idle');
  const [data, setData] = useState<DataSummary>();
  const runRef = useRef<RunRecord | undefined>(undefined);
  const frame = useRef<number | undefined>(undefined);
  const onRunChangeRef = useRef(onRunChange);
  useEffect(() => {
    onRunChangeRef.current = onRunChange;
  }, [onRunChange]);

  /** When React last saw the record (for the leading edge of the throttle). */
  const lastPublished = useRef(Number.NEGATIVE_INFINITY);
  // Throttled with a leading edge: a step that ends after a quiet spell (slow steps, a few a second at most) shows at
  // once, so the counter is never a step behind what Pause and Stop act on; faster ones are gathered.
  const publish = useCallback(() => {
    if (frame.current !== undefined) return;
    const wait = lastPublished.current + PUBLISH_INTERVAL_MS - performance.now();
    const show = () => {
      frame.current = undefined;
      lastPublished.current = performance.now();
      setRun(runRef.current);
    };
    if (wait <= 0) show();
    else frame.current = window.setTimeout(show, wait);
  }, []);

  useEffect(() => () => {
    if (frame.current !== undefined) clearTimeout(frame.current);
  }, []);

  /**
   * Runs one training call (`call` gets the event callback) and folds its events into a record; `initial` is the
   * record a resumed run continues. Resolves with the final record when the run ends, or when the worker dies.
   */
  const drive = useCallback(
    async (
      request: Omit<RunRequest, 'data'>,
      call: (onEvent: TrainEventHandler, tracker: RunTracker) => Promise<RunResult>,
      initial?: RunRecord,
    ): Promise<RunRecord | undefined> => {
      if (!worker || !backend) return undefined;
      setPhase('preparing');
      const tracker = trackRun(request, backend, (r) => onRunChangeRef.current(r), initial && { ...initial, status: 'running', message: undefined });
      // The previous run's record goes at once: its "Step 40 / 40 · 0 s left" is not this run's progress. A fresh
      // run has no record until its first event; a resumed one shows where it continues from.
      runRef.current = tracker.record;
      setRun(tracker.record);
      const onEvent = (event: TrainEvent) => {
        runRef.current = tracker.onEvent(event);
        if (event.type === 'step') setPhase((p) => (p === 'preparing' ? 'training' : p));
        publish();
      };
      try {
        // A worker that dies (out of memory, GPU lost) never answers: its failure ends the wait instead.
        tracker.finish(await Promise.race([call(Comlink.proxy(onEvent), tracker), worker.failed]));
      } catch (err) {
        tracker.fail(err);
      } finally {
        runRef.current = tracker.record;
        setRun(tracker.record);
        setPhase('idle');
      }
      return tracker.record;
    },
    [worker, backend, publish],
  );

  const start = useCallback(
    (request: RunRequest) =>
      drive(request, async (onEvent, tracker) => {
        const summary = await worker!.api.loadData(request.data);
        setData(summary);
        tracker.noteClasses(summary.trainIdentities);
        return worker!.api.train(request.config, onEvent);
      }),
    [drive, worker],
  );

  const resumeRun = useCallback(
    (previous: RunRecord, fromStep: number, seconds?: number) =>
      // The checkpoint may be older than the last points shown: drop those, the resumed run sends them again.
      drive(previous, (onEvent) => worker!.api.resumeRun(previous.id, onEvent), truncateRun(previous, fromStep, seconds)),
    [drive, worker],
  );

  /** Marks the live record paused or running (the runs table shows it). */
  const markStatus = useCallback((status: 'paused' | 'running') => {
    if (!runRef.current) return;
    runRef.current = { ...runRef.current, status };
    setRun(runRef.current);
  }, []);

  // The phase moves only from the phase the command was for: a run that ended (or was stopped) meanwhile keeps its own.
  const pause = useCallback(() => {
    if (!worker) return;
    setPhase((p) => (p === 'training' ? 'pausing' : p));
    void worker.api.pause().then(() => {
      setPhase((p) => (p === 'pausing' ? 'paused' : p));
      if (runRef.current?.status === 'running') markStatus('paused');
    });
  }, [worker, markStatus]);
  const resume = useCallback(() => {
    if (!worker) return;
    void worker.api.resume().then(() => {
      setPhase((p) => (p === 'paused' ? 'training' : p));
      markStatus('running');
    });
  }, [worker, markStatus]);
  const stop = useCallback(() => {
    if (!worker) return;
    setPhase((p) => (p === 'idle' ? p : 'stopping'));
    void worker.api.stop();
  }, [worker]);

  return { run, phase, data, start, resumeRun, pause, resume, stop };
}
