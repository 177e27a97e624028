/**
 * Lesson mode: a guided walk through a lesson (src/core/lessons.ts). Each step shows its sentences, runs
 * its preset with one click, and overlays the runs of the steps so far on the loss and ROC curves. Large
 * type and high contrast for a projector, a full-screen button, and the position in the URL hash
 * (`lesson=<id>&step=<n>`) so an instructor can prepare the link.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { findLesson, lessonExtras, lessonFromExtras, readHashKeys, withHashKeys, type LessonPosition } from '../../core/lessons.ts';
import { LossCurve, RocCurve } from '../panels/Figures.tsx';
import type { RunRecord } from '../runs/runRecord.ts';
import './lesson.css';

/** The lesson position as page state synced with the URL hash's `lesson` and `step` keys. */
export function useLessonPosition() {
  const [state, setState] = useState(() => lessonFromExtras(readHashKeys(window.location.hash, ['lesson', 'step'])));
  const position = state.position;
  useEffect(() => {
    const hash = withHashKeys(window.location.hash, position ? lessonExtras(position) : { lesson: undefined, step: undefined });
    if (hash !== window.location.hash) window.history.replaceState(null, '', hash || window.location.pathname + window.location.search);
  }, [position]);
  const setPosition = useCallback((next: LessonPosition | undefined) => setState({ position: next }), []);
  const start = useCallback((lessonId: string) => {
    const lesson = findLesson(lessonId);
    if (lesson) setState({ position: { lesson, step: 0 } });
  }, []);
  return { position, error: state.error, setPosition, start };
}

/** The run label a lesson step's run gets (how the lesson finds its runs again, also after a reload). */
export function lessonRunLabel(position: LessonPosition, step = position.step): string {
  return `Lesson · ${position.lesson.steps[step].title}`;
}

/** Props of lesson mode. */
export interface LessonModeProps {
  position: LessonPosition;
  /** Moves to another step, or leaves lesson mode (undefined). */
  onPosition: (position: LessonPosition | undefined) => void;
  /** Every run the lab knows (stored runs and the live one, newest state). */
  runs: readonly RunRecord[];
  /** Trains preset `presetId` with run label `label`. */
  onRunPreset: (presetId: string, label: string) => void;
  /** True while a run trains (the Run button waits). */
  busy: boolean;
  /** True when the user's photos are loaded (steps that need them can be done). */
  photosLoaded?: boolean;
}

/** The lesson view. */
export function LessonMode({ position, onPosition, runs, onRunPreset, busy, photosLoaded = false }: LessonModeProps) {
  const { lesson, step } = position;
  const current = lesson.steps[step];
  const root = useRef<HTMLElement>(null);
  // The latest run of each step so far, found by its label; the current step's first (drawn in full).
  const stepRuns = useMemo(() => {
    const latest = (label: string) => runs.filter((r) => r.label === label).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
    const found = lesson.steps.slice(0, step + 1).map((_, i) => latest(lessonRunLabel(position, i)));
    return [found[step], ...found.slice(0, step).reverse()].filter((r): r is RunRecord => r !== undefined);
  }, [runs, lesson, step, position]);
  const go = (next: number) => onPosition({ lesson, step: Math.min(Math.max(next, 0), lesson.steps.length - 1) });

  return (
    <section ref={root} className="lesson-mode" aria-labelledby="lesson-heading">
      <header className="lesson-bar">
        <h2 id="lesson-heading">{lesson.title}</h2>
        <p className="lesson-progress" aria-live="polite">Step {step + 1} of {lesson.steps.length}</p>
        <div className="buttons">
          <button type="button" onClick={() => void root.current?.requestFullscreen?.()}>Full screen</button>
          <button type="button" onClick={() => onPosition(undefined)}>Leave lesson</button>
        </div>
      </header>
      <ol className="lesson-steps" aria-label="Lesson steps">
        {lesson.steps.map((s, i) => (
          <li key={s.title}>
            <button type="button" aria-current={i === step ? 'step' : undefined} onClick={() => go(i)}>{s.title}</button>
          </li>
        ))}
      </ol>
      <article className="lesson-step">
        <h3>{current.title}</h3>
        <p className="lesson-text">{current.text}</p>
        <p className="lesson-look">Look at: <strong>{current.look}</strong></p>
        {current.needsPhotos && !photosLoaded && <p className="lesson-note">This step needs your own photos: load a folder in the Data panel first.</p>}
        <div className="buttons lesson-nav">
          <button type="button" onClick={() => go(step - 1)} disabled={step === 0}>Previous</button>
          {current.presetId && (
            <button type="button" className="primary" disabled={busy} onClick={() => onRunPreset(current.presetId!, lessonRunLabel(position))}>
              Run this step
            </button>
          )}
          <button type="button" onClick={() => go(step + 1)} disabled={step === lesson.steps.length - 1}>Next</button>
        </div>
      </article>
      {stepRuns.length > 0 && (
        <div className="lesson-figures">
          <LossCurve runs={stepRuns} />
          <RocCurve runs={stepRuns} />
        </div>
      )}
    </section>
  );
}
