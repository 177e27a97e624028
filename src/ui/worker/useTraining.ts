/**
 * Drives training runs in the lab worker. Events arrive through a comlink proxy callback and are folded
 * into the run record off React's path; React sees at most one update per PUBLISH_INTERVAL_MS (the first at
 * once), so the main thread stays responsive however fast the worker reports.
 */
import * as Comlink from 'comlink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendName, DataSpec, DataSummary, RunResult, TrainConfig, TrainEvent, TrainEventHandler } from '../../protocol/api.ts';
import { resumeFromCheckpoint } from '../runs/applyEvent.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { LabWorkerHandle } from './labBridge.ts';
import type { ReadyWorker } from './useLabWorker.ts';
import { trackRun, type RunTracker } from './runTracker.ts';

/** Why a run offered as unfinished stopped, as its loss curve says: the page that trained it went away. */
export const RESUMED_AFTER_RELOAD = 'the page was reloaded or closed';

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
  /**
   * Set when the worker died under the current (or last) run: what happened and where the run went on from, e.g.
   * "… a new worker resumed the run from its checkpoint at step 30".
   */
  recovery?: string;
}

/** The lab worker as training uses it; `replacement` (useLabWorker) is the worker started after this one died. */
export type TrainingWorker = LabWorkerHandle & { replacement?: Promise<ReadyWorker> };

/** What one training call needs: the worker to call, the event callback, and the run's tracker. */
type TrainingCall = (worker: TrainingWorker, onEvent: TrainEventHandler, tracker: RunTracker) => Promise<RunResult>;

/**
 * Training runs on `worker`. `onRunChange` receives the record at evaluations and at the end (the moments worth
 * storing); live step updates go to `run` only.
 */
export function useTraining(worker: TrainingWorker | undefined, backend: BackendName | undefined, onRunChange: (run: RunRecord) => void): Training {
  const [run, setRun] = useState<RunRecord>();
  const [phase, setPhase] = useState<Training['phase']>('idle');
  const [recovery, setRecovery] = useState<string>();
  /** Stop was pressed during this drive: a run whose worker died is then not resumed. */
  const stopRequested = useRef(false);
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

  useEffect(
    () => () => {
      if (frame.current !== undefined) clearTimeout(frame.current);
    },
    [],
  );

  /**
   * Runs one training call (`call` gets the event callback) and folds its events into a record; `initial` is the
   * record a resumed run continues. When the worker dies mid-run, the run goes on in the worker started in its
   * place, from its last checkpoint (at most one checkpoint interval of steps is trained again). Resolves with the
   * final record when the run ends, or when it cannot go on.
   */
  const drive = useCallback(
    async (request: Omit<RunRequest, 'data'>, first: TrainingCall, initial?: RunRecord): Promise<RunRecord | undefined> => {
      if (!worker || !backend) return undefined;
      setPhase('preparing');
      setRecovery(undefined);
      stopRequested.current = false;
      let tracker = trackRun(request, backend, (r) => onRunChangeRef.current(r), initial && { ...initial, status: 'running', message: undefined });
      // The previous run's record goes at once: its "Step 40 / 40 · 0 s left" is not this run's progress. A fresh
      // run has no record until its first event; a resumed one shows where it continues from.
      runRef.current = tracker.record;
      setRun(tracker.record);
      const onEvent = (event: TrainEvent) => {
        runRef.current = tracker.onEvent(event);
        if (event.type === 'step') setPhase((p) => (p === 'preparing' ? 'training' : p));
        publish();
      };
      let current: TrainingWorker = worker;
      let call = first;
      try {
        for (;;) {
          // A worker that dies (out of memory, GPU lost, terminated) never answers: its failure ends the wait instead.
          const outcome = await Promise.race([call(current, Comlink.proxy(onEvent), tracker).then((result) => ({ result })), current.failed.catch((died: unknown) => ({ died }))]);
          if ('result' in outcome) {
            tracker.finish(outcome.result);
            break;
          }
          const recovered = await recover(current, tracker, outcome.died);
          tracker = recovered.tracker;
          if (!recovered.worker) break;
          current = recovered.worker;
          const runId = tracker.record!.id;
          call = (w, events) => w.api.resumeRun(runId, events);
          runRef.current = tracker.record;
          setRun(tracker.record);
        }
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

  /**
   * After `dead` died under the run `tracker` follows: waits for the worker started in its place and, when the run
   * has a stored checkpoint, returns that worker and a tracker continuing the run's record cut back to the
   * checkpoint. Without a worker, the run cannot go on: its tracker holds the final record (an error, or stopped).
   */
  async function recover(dead: TrainingWorker, tracker: RunTracker, died: unknown): Promise<{ tracker: RunTracker; worker?: TrainingWorker }> {
    const reason = died instanceof Error ? died.message : String(died);
    const record = tracker.record;
    if (!dead.replacement || !record) {
      tracker.fail(died);
      return { tracker };
    }
    const lostAt = record.step;
    setPhase('preparing');
    setRecovery(`${reason} at step ${lostAt}: starting a new worker to resume the run…`);
    const next = await dead.replacement;
    if (stopRequested.current) {
      // Stop pressed while the new worker started: the run ends here, resumable later from its checkpoint.
      const stopped = { ...record, status: 'stopped' as const, message: `${reason} at step ${lostAt}; stopped before it resumed` };
      onRunChangeRef.current(stopped);
      setRecovery(undefined);
      return { tracker: trackRun(record, record.backend, () => undefined, stopped) };
    }
    const checkpoint = (await Promise.race([next.worker.api.listCheckpoints(), next.worker.failed])).find((c) => c.runId === record.id);
    if (!checkpoint) {
      setRecovery(undefined);
      tracker.fail(new Error(`${reason} at step ${lostAt}, before the run's first checkpoint: a new worker is ready, train the run again`));
      return { tracker };
    }
    setRecovery(`${reason} at step ${lostAt}; a new worker resumed the run from its checkpoint at step ${checkpoint.step}.`);
    // The checkpoint is older than the last points shown: drop those, the resumed run sends them again.
    const resumedFrom = resumeFromCheckpoint({ ...record, status: 'running', message: undefined }, checkpoint.step, reason, checkpoint.seconds);
    return { worker: next.worker, tracker: trackRun(record, next.backend.backend, (r) => onRunChangeRef.current(r), resumedFrom) };
  }

  const start = useCallback(
    (request: RunRequest) =>
      drive(request, async (w, onEvent, tracker) => {
        const summary = await w.api.loadData(request.data);
        setData(summary);
        tracker.noteClasses(summary.trainIdentities);
        // Auto mode: the worker times the backends on this model (or takes the cached probe) and switches to the
        // fastest before the run; pinned, it answers with its backend. The record names the backend the run trains on.
        const { backend: trainsOn } = await w.api.init({ probe: { config: request.config, numIdentities: summary.trainIdentities } });
        tracker.noteBackend(trainsOn);
        return w.api.train(request.config, onEvent);
      }),
    [drive],
  );

  const resumeRun = useCallback(
    (previous: RunRecord, fromStep: number, seconds?: number) =>
      // The checkpoint may be older than the last points shown: drop those, the resumed run sends them again.
      drive(previous, (w, onEvent) => w.api.resumeRun(previous.id, onEvent), resumeFromCheckpoint(previous, fromStep, RESUMED_AFTER_RELOAD, seconds)),
    [drive],
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
    stopRequested.current = true;
    if (!worker) return;
    setPhase((p) => (p === 'idle' ? p : 'stopping'));
    void worker.api.stop();
  }, [worker]);

  return { run, phase, data, start, resumeRun, pause, resume, stop, recovery };
}
