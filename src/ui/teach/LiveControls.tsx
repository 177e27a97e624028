/**
 * "Change while training": sliders for the running run's margin, α and learning rate. Each move is sent
 * to the worker at once; the engine applies it before its next step, marks it on the loss curve and keeps
 * it in the run's history, and the run is flagged as changed mid-run.
 */
import { useState } from 'react';
import { LIVE_KEYS_BY_KIND, type LiveValues } from '../../core/liveParams.ts';
import type { LiveParams } from '../../protocol/api.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import { currentLoss } from './hypersphereTraces.ts';
import { describeLiveParams } from './teachTraces.ts';

/** Props of the live controls. */
export interface LiveControlsProps {
  /** The run being trained (or the last one). */
  run?: RunRecord;
  /** True while a run trains or is paused: only then can values change. */
  active: boolean;
  /** Sends a change to the worker (`worker.api.setLive`); rejects with the engine's reason. */
  setLive?: (params: LiveParams) => Promise<void>;
}

/** Slider ranges: margins up to 90° (past it nothing trains), learning rate on a log scale 1e-4…1. */
const SLIDERS: Record<
  keyof LiveValues,
  { label: string; min: number; max: number; step: number; toSlider?: (v: number) => number; fromSlider?: (s: number) => number; format: (v: number) => string }
> = {
  marginDeg: { label: 'Margin (°)', min: 0, max: 90, step: 1, format: (v) => `${v}°` },
  cosineMargin: { label: 'Cosine margin', min: 0, max: 1, step: 0.05, format: (v) => v.toFixed(2) },
  alpha: { label: 'Intra penalty α', min: 0, max: 5, step: 0.1, format: (v) => v.toFixed(1) },
  lr: {
    label: 'Learning rate',
    min: -4,
    max: 0,
    step: 0.1,
    toSlider: Math.log10,
    fromSlider: (s) => Number((10 ** s).toPrecision(2)),
    format: (v) => String(v),
  },
};

/** The values in force for `run` now: its config after its live changes. */
function currentValues(run: RunRecord): Required<LiveValues> {
  const loss = currentLoss(run);
  return {
    marginDeg: loss.marginDeg ?? 0,
    cosineMargin: loss.cosineMargin ?? 0,
    alpha: loss.alpha ?? 1,
    lr: run.liveChanges?.at(-1)?.lr ?? run.config.optimizer.lr,
  };
}

/** The live controls; state restarts with each run. */
export function LiveControls(props: LiveControlsProps) {
  return <LiveControlsOfRun key={props.run?.id ?? 'none'} {...props} />;
}

function LiveControlsOfRun({ run, active, setLive }: LiveControlsProps) {
  const [values, setValues] = useState<Required<LiveValues> | undefined>(() => (run ? currentValues(run) : undefined));
  const [problem, setProblem] = useState<string>();
  if (!run || !values) return null;
  const keys = LIVE_KEYS_BY_KIND[run.config.loss.kind];
  const enabled = active && !!setLive && (run.status === 'running' || run.status === 'paused');

  const change = (key: keyof LiveValues, value: number) => {
    setValues({ ...values, [key]: value });
    setProblem(undefined);
    setLive?.({ [key]: value }).catch((err: unknown) => setProblem(err instanceof Error ? err.message : String(err)));
  };

  return (
    <section className="panel live-controls" aria-labelledby="live-heading">
      <h2 id="live-heading">Change while training</h2>
      <p className="help">Changes apply from the next step, are marked on the loss curve, and flag the run as changed mid-run.</p>
      {keys.map((key) => {
        const slider = SLIDERS[key];
        const value = values[key];
        return (
          <label key={key} className="inline-control">
            {slider.label}
            <input
              type="range"
              min={slider.min}
              max={slider.max}
              step={slider.step}
              disabled={!enabled}
              value={slider.toSlider ? slider.toSlider(value) : value}
              onChange={(e) => change(key, slider.fromSlider ? slider.fromSlider(Number(e.target.value)) : Number(e.target.value))}
            />
            <output>{slider.format(value)}</output>
          </label>
        );
      })}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {run.liveChanges?.length ? (
        <ul className="live-changes" aria-label="Changes made while training">
          {run.liveChanges.map((c, i) => (
            <li key={`${c.step}-${i}`}>
              step {c.step}: {describeLiveParams(c.params)}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
