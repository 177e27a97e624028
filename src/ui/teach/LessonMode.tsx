/**
 * Lesson mode: a guided walk through a lesson (src/core/lessons.ts). Each step shows its sentences, runs
 * its preset with one click, shows the figure it is about and overlays the runs of the steps so far on the
 * loss and ROC curves. Large type and high contrast for a projector; the position lives in the URL hash
 * (`lesson=<id>&step=<n>`) so an instructor can prepare the link, and a link opens the lesson on its own:
 * scrolled to, focused and filling the window (useLessonScreen), with the training controls at hand.
 */
import { useCallback, useContext, useEffect, useMemo, useRef } from 'react';
import { findLesson, type LessonPosition } from '../../core/lessons.ts';
import { presetConfig } from '../../core/presets.ts';
import type { LossConfig } from '../../protocol/api.ts';
import { ViewVisibleContext } from '../plot/figureContext.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import { arrowKeysBelongTo, hasModifier } from '../keys.ts';
import { updateHashState, useHashState } from '../useHashState.ts';
import { RunControlButtons } from '../panels/RunControlButtons.tsx';
import type { Training } from '../worker/useTraining.ts';
import { currentLoss } from './hypersphereTraces.ts';
import { LessonFigures, lookAtFigure } from './LessonFigures.tsx';
import { useLessonScreen } from './useLessonScreen.ts';
import './lesson.css';

/**
 * The lesson position as page state in the URL hash's `lesson` and `step` keys (through useHashState, the hash's one
 * owner). `openedByLink` counts the times a link opened a lesson (the page's own, or one followed in this tab) since
 * the lesson was last left or started with its button: lesson mode takes the screen each time it grows.
 */
export function useLessonPosition() {
  const { page, lessonError, lessonLinks } = useHashState();
  const { lesson: lessonId, step } = page;
  const position = useMemo<LessonPosition | undefined>(() => {
    const lesson = lessonId === undefined ? undefined : findLesson(lessonId);
    return lesson ? { lesson, step: (step ?? 1) - 1 } : undefined;
  }, [lessonId, step]);
  // Leaving the lesson spends the link's request, so a lesson started again with its button stays in the page.
  const setPosition = useCallback(
    (next: LessonPosition | undefined) =>
      updateHashState((s) => {
        const { lesson: _lesson, step: _step, ...rest } = s.page;
        const page = next ? { ...rest, lesson: next.lesson.id, step: next.step + 1 } : rest;
        return { ...s, page, lessonLinks: next ? s.lessonLinks : 0 };
      }),
    [],
  );
  const start = useCallback((id: string) => {
    const lesson = findLesson(id);
    if (lesson) updateHashState((s) => ({ ...s, page: { ...s.page, lesson: lesson.id, step: 1 }, lessonLinks: 0 }));
  }, []);
  return { position, error: lessonError, openedByLink: lessonLinks, setPosition, start };
}

/**
 * The loss a lesson step is about: its preset's, or undefined for a step without a run. "Target logit" draws it
 * as soon as the step is shown, before (and without) "Run this step".
 */
export function lessonStepLoss(position: LessonPosition): LossConfig | undefined {
  const presetId = position.lesson.steps[position.step].presetId;
  return presetId ? presetConfig(presetId).loss : undefined;
}

/** The run label a lesson step's run gets (how the lesson finds its runs again, also after a reload). */
export function lessonRunLabel(position: LessonPosition, step = position.step): string {
  return `Lesson · ${position.lesson.steps[step].title}`;
}

/** The training state and commands lesson mode offers while it fills the screen (useTraining's, with the lab's Stop). */
export type LessonTraining = Pick<Training, 'run' | 'phase' | 'pause' | 'resume' | 'stop'>;

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
  /**
   * Grows each time a link opened the lesson (useLessonPosition's openedByLink): the lesson is then scrolled to,
   * focused and shown filling the window. 0 or absent: it stays in the page.
   */
  focusRequest?: number;
  /** Pause, Resume and Stop, shown while the lesson fills the screen (the lab's own are hidden behind it). */
  training?: LessonTraining;
  /** "Target logit"'s loss for a step without a preset (e.g. the config panel's). */
  fallbackLoss?: LossConfig;
}

/** The lesson view. */
export function LessonMode({ position, onPosition, runs, onRunPreset, busy, photosLoaded = false, focusRequest = 0, training, fallbackLoss }: LessonModeProps) {
  const { lesson, step } = position;
  const current = lesson.steps[step];
  const root = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const view = useLessonScreen(root);
  const { enterFocus } = view;
  // The latest run of each step so far, found by its label: the current step's own, and all of them, current first.
  const { stepRun, stepRuns } = useMemo(() => {
    const latest = (label: string) => runs.filter((r) => r.label === label).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
    const found = lesson.steps.slice(0, step + 1).map((_, i) => latest(lessonRunLabel(position, i)));
    return { stepRun: found[step], stepRuns: [found[step], ...found.slice(0, step).reverse()].filter((r): r is RunRecord => r !== undefined) };
  }, [runs, lesson, step, position]);
  const go = useCallback((next: number) => onPosition({ lesson, step: Math.min(Math.max(next, 0), lesson.steps.length - 1) }), [onPosition, lesson]);
  const visible = useContext(ViewVisibleContext);
  // What the step's run trains with (live changes included) once it exists, else what the step will train.
  const loss = stepRun ? currentLoss(stepRun) : (lessonStepLoss(position) ?? fallbackLoss);

  useEffect(() => {
    if (focusRequest <= 0) return;
    enterFocus();
    root.current?.scrollIntoView?.({ block: 'start' });
    heading.current?.focus({ preventScroll: true });
  }, [focusRequest, enterFocus]);

  // The arrow keys step through the lesson while it is on screen, unless a control has the focus (a slider, a field).
  useEffect(() => {
    if (!visible) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || hasModifier(event)) return;
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      if (arrowKeysBelongTo(event.target)) return;
      event.preventDefault();
      go(step + (event.key === 'ArrowRight' ? 1 : -1));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [visible, go, step]);

  const className = `lesson-mode${view.focusMode ? ' lesson-mode--focus' : ''}`;
  return (
    <section ref={root} className={className} aria-labelledby="lesson-heading">
      <header className="lesson-bar">
        <h2 id="lesson-heading" ref={heading} tabIndex={-1}>
          {lesson.title}
        </h2>
        <p className="lesson-progress" aria-live="polite">
          Step {step + 1} of {lesson.steps.length}
        </p>
        <p className="lesson-keys help">← → move between steps; Space pauses or resumes the run.</p>
        <div className="buttons">
          <button type="button" onClick={view.expanded ? view.exit : view.enter}>
            {view.expanded ? 'Exit full screen' : 'Full screen'}
          </button>
          {view.focusMode && !view.fullscreen && (
            <button type="button" onClick={view.enter}>
              Browser full screen
            </button>
          )}
          <button type="button" onClick={() => onPosition(undefined)}>
            Leave lesson
          </button>
        </div>
      </header>
      {view.focusMode && !view.fullscreen && (
        <p className="lesson-hint">Browsers allow real full screen only after a click: “Browser full screen” hides the browser’s bars; Esc returns to the page.</p>
      )}
      {view.expanded && training && <LessonTrainingControls training={training} />}
      <ol className="lesson-steps" aria-label="Lesson steps">
        {lesson.steps.map((s, i) => (
          <li key={s.title}>
            <button type="button" aria-current={i === step ? 'step' : undefined} onClick={() => go(i)}>
              {s.title}
            </button>
          </li>
        ))}
      </ol>
      <article className="lesson-step">
        <h3>{current.title}</h3>
        <p className="lesson-text">{current.text}</p>
        <p className="lesson-look">
          <button type="button" className="lesson-look-button" onClick={() => lookAtFigure(current.look, root.current)}>
            Look at: <strong>{current.look}</strong>
          </button>
        </p>
        {current.needsPhotos && !photosLoaded && <p className="lesson-note">This step needs your own photos: load a folder in the Data panel first.</p>}
        <div className="buttons lesson-nav">
          <button type="button" onClick={() => go(step - 1)} disabled={step === 0}>
            Previous
          </button>
          {current.presetId && (
            <button type="button" className="primary" disabled={busy} onClick={() => onRunPreset(current.presetId!, lessonRunLabel(position))}>
              Run this step
            </button>
          )}
          <button type="button" onClick={() => go(step + 1)} disabled={step === lesson.steps.length - 1}>
            Next
          </button>
        </div>
      </article>
      <LessonFigures look={current.look} runs={stepRuns} stepRun={stepRun} loss={loss} />
    </section>
  );
}

/** Pause, Resume and Stop as the training panel has them, with the run's progress in a line. */
function LessonTrainingControls({ training }: { training: LessonTraining }) {
  const { phase, run } = training;
  const running = phase !== 'idle';
  const progress = !running
    ? undefined
    : phase === 'preparing' || !run
      ? 'starting…'
      : `${run.label}: step ${run.step} / ${run.config.steps}${phase === 'paused' ? ' · paused' : phase === 'stopping' ? ' · stopping…' : ''}`;
  return (
    <div className="buttons lesson-training" role="group" aria-label="Training">
      <RunControlButtons training={training} />
      {progress && <span className="lesson-training-progress">{progress}</span>}
    </div>
  );
}
