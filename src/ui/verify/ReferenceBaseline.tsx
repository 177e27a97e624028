import { useCallback, useEffect, useRef, useState } from 'react';
import type { FolderReport } from '../../protocol/data.ts';
import type { ReferenceApi, ReferenceBaseline as Baseline, ReferenceProgress } from '../../protocol/reference.ts';
import { errorText } from '../models/useSavedModels.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { Runs } from '../runs/useRuns.ts';
import { remoteCallback } from '../worker/remoteCallback.ts';
import { leftOutSentence, referenceRun } from './referenceRun.ts';
import { referenceChanged } from './verifyModel.ts';
import './verify.css';

/**
 * Test images up to which a baseline starts by itself when a folder loads. Each image is detected and described one
 * at a time on the CPU (a fraction of a second to a second each), so a folder the size of LFW's 6,000 pairs would
 * keep the align worker busy for about an hour: beyond this, the baseline waits for a click.
 */
export const AUTO_BASELINE_IMAGES = 400;

/** Where the reference baseline stands. */
export type ReferenceBaselineState =
  | { phase: 'idle' }
  /** A large folder: `images` is at most how many the baseline would describe. */
  | { phase: 'waiting'; images: number }
  | { phase: 'running'; progress: ReferenceProgress }
  | { phase: 'done'; baseline: Baseline; run: RunRecord }
  | { phase: 'cancelled' }
  | { phase: 'failed'; error: string };

/** Props of the reference baseline. */
export interface ReferenceBaselineProps {
  /** The worker's API (`ready.worker.api`); undefined while the worker starts. */
  api?: Partial<ReferenceApi>;
  /**
   * The loaded test folder's report (DataPanel's onTestFolder): each new report with pairs starts a baseline;
   * undefined when none is loaded.
   */
  testFolder?: FolderReport;
  /** The runs list (useRuns): the baseline is stored there as a run and ticked for the plots. */
  runs: Pick<Runs, 'saveRun' | 'selected' | 'setSelected'>;
}

/**
 * The reference model's baseline on the loaded test folder, started whenever a test folder with pairs loads: its
 * progress while every test image is described, then a run for the runs list. Also the state, for callers that
 * show it elsewhere.
 */
export function useReferenceBaseline({ api, testFolder, runs }: ReferenceBaselineProps): { state: ReferenceBaselineState; start(): void; cancel(): void } {
  const [state, setState] = useState<ReferenceBaselineState>({ phase: 'idle' });
  // The newest baseline wins: a reply to an older one (a folder since replaced, or cancelled) is dropped.
  const ticket = useRef(0);
  // The runs list as it is when the baseline ends (a baseline takes seconds to minutes).
  const runsRef = useRef(runs);
  useEffect(() => {
    runsRef.current = runs;
  }, [runs]);

  const start = useCallback(() => {
    if (!api || typeof api.referenceBaseline !== 'function') return;
    const mine = ++ticket.current;
    // Set from a callback (start also runs from an effect when a folder loads): the worker's first report follows soon.
    let heard = false;
    void Promise.resolve().then(() => mine === ticket.current && !heard && setState({ phase: 'running', progress: { done: 0, total: 0, noFace: 0 } }));
    const onProgress = remoteCallback((progress: ReferenceProgress) => {
      if (mine !== ticket.current) return false;
      heard = true;
      setState({ phase: 'running', progress });
      return true;
    });
    // Called on the API object: a comlink proxy resolves the method by its path.
    api.referenceBaseline(onProgress).then(
      (result) => {
        if (mine !== ticket.current) return;
        const run = referenceRun(result, new Date().toISOString());
        setState({ phase: 'done', baseline: result, run });
        const list = runsRef.current;
        list.saveRun(run);
        // A run of 0 training steps is not ticked by saveRun; the baseline is there to be compared on the plots.
        list.setSelected(new Set([run.id, ...list.selected]));
        referenceChanged();
      },
      (err: unknown) => {
        if (mine !== ticket.current) return;
        setState({ phase: 'failed', error: errorText(err) });
      },
    );
  }, [api]);

  const cancel = useCallback(() => {
    ticket.current++;
    setState({ phase: 'cancelled' });
  }, []);

  const hasPairs = (testFolder?.pairs?.count ?? 0) > 0;
  // At most this many test images are described: two per pair, and no more than the folder holds.
  const images = Math.min(testFolder?.images ?? 0, 2 * (testFolder?.pairs?.count ?? 0));
  const automatic = hasPairs && images <= AUTO_BASELINE_IMAGES;
  useEffect(() => {
    // A new folder ends any baseline under way; a small one starts its own, a large one waits for a click.
    ticket.current++;
    if (automatic) start();
  }, [testFolder, automatic, start]);

  // Until this folder's baseline is started, the state reads idle (no pairs) or waiting (a large folder).
  const [startedFor, setStartedFor] = useState<FolderReport>();
  const begin = useCallback(() => {
    setStartedFor(testFolder);
    start();
  }, [testFolder, start]);
  const current = !hasPairs ? { phase: 'idle' as const } : !automatic && startedFor !== testFolder ? { phase: 'waiting' as const, images } : state;
  return { state: current, start: begin, cancel };
}

/** "Reference baseline": what the pretrained face-api network scores on the loaded test folder, and its progress. */
export function ReferenceBaseline(props: ReferenceBaselineProps) {
  const { state, start, cancel } = useReferenceBaseline(props);
  const offered = typeof props.api?.referenceBaseline === 'function';
  return (
    <section className="panel reference-baseline" aria-labelledby="reference-baseline-heading">
      <h3 id="reference-baseline-heading">Reference baseline</h3>
      <p className="help">
        face-api&rsquo;s pretrained recognition network on the test folder&rsquo;s pairs, run in this browser: listed under Runs as &ldquo;Reference: face-api (pretrained)&rdquo;,
        so your runs can be compared with a trained face network.
      </p>
      {state.phase === 'idle' && <p className="help">Load a test folder to compute it.</p>}
      {state.phase === 'waiting' && (
        <p className="help">
          The test pairs use up to {state.images.toLocaleString('en-US')} images, each detected and described in turn on the CPU: this takes a while.{' '}
          <button type="button" disabled={!offered} onClick={start}>
            Compute the reference baseline
          </button>
        </p>
      )}
      {state.phase === 'running' && (
        <div className="progress">
          <progress aria-label="Reference baseline progress" max={state.progress.total || undefined} value={state.progress.total ? state.progress.done : undefined} />
          <span role="status" aria-label="Reference baseline status">
            {state.progress.total ? `Describing test images with the reference… ${state.progress.done} / ${state.progress.total}` : 'Starting the reference model…'}
            {state.progress.noFace > 0 ? ` (${state.progress.noFace} without a face)` : ''}
          </span>{' '}
          <button type="button" onClick={cancel}>
            Cancel baseline
          </button>
        </div>
      )}
      {state.phase === 'done' && <BaselineResult baseline={state.baseline} />}
      {state.phase === 'cancelled' && (
        <p className="help" role="status" aria-label="Reference baseline status">
          Baseline cancelled.
        </p>
      )}
      {state.phase === 'failed' && (
        <p className="error" role="alert">
          The reference baseline failed: {state.error}
        </p>
      )}
      {(state.phase === 'cancelled' || state.phase === 'failed' || state.phase === 'done') && (props.testFolder?.pairs?.count ?? 0) > 0 && (
        <button type="button" disabled={!offered} onClick={start}>
          Compute the baseline again
        </button>
      )}
    </section>
  );
}

function BaselineResult({ baseline }: { baseline: Baseline }) {
  const { metrics } = baseline.evaluation;
  const note = leftOutSentence(baseline);
  return (
    <>
      <p role="status" aria-label="Reference baseline status">
        AUC <strong data-testid="reference-auc">{metrics.auc.toFixed(4)}</strong>, EER {(metrics.eer * 100).toFixed(1)}% on {metrics.pairs} pairs of the {baseline.testLabel}.
      </p>
      {note && <p className="warning">{note}</p>}
      {baseline.noFace.length > 0 && (
        <details>
          <summary>Images without a face ({baseline.noFace.length})</summary>
          <ul aria-label="Images the reference left out">
            {baseline.noFace.map((n) => (
              <li key={n.path}>
                {n.path}: {n.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
