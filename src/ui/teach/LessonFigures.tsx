/**
 * The figures inside a lesson: the one its step says to look at (always, so it is there in full screen, where
 * the rest of the page is not), and the loss and ROC curves of the steps' runs once there are any. "Look at: X"
 * scrolls to and highlights figure X (lookAtFigure).
 */
import type { LossConfig } from '../../protocol/api.ts';
import { AngleHistogram, LossCurve, RocCurve } from '../panels/Figures.tsx';
import type { RunRecord } from '../runs/runRecord.ts';
import { HypersphereFigure, TargetLogitFigure } from './TeachFigures.tsx';

/** Figures a lesson step can name in `look`, in the order the lesson shows them. */
export const LESSON_FIGURES = Object.freeze(['Target logit', 'Loss curve', 'Angle histogram', 'ROC curve', 'Hypersphere'] as const);

/** Props of the lesson's figures. */
export interface LessonFiguresProps {
  /** The figure the step is about (LessonStep.look). */
  look: string;
  /** The runs of the steps so far, the current step's first. */
  runs: readonly RunRecord[];
  /** The current step's own run, if it has one (its θ_y and geometry are drawn). */
  stepRun?: RunRecord;
  /** The loss "Target logit" draws: the step's (its run's, else its preset's); absent draws none. */
  loss?: LossConfig;
}

/** The lesson's figures, each in a block tagged with its name (`data-look`) for lookAtFigure. */
export function LessonFigures({ look, runs, stepRun, loss }: LessonFiguresProps) {
  const shown = LESSON_FIGURES.filter((name) => name === look || (runs.length > 0 && (name === 'Loss curve' || name === 'ROC curve')));
  const figure = (name: (typeof LESSON_FIGURES)[number]) => {
    switch (name) {
      case 'Target logit':
        return loss ? <TargetLogitFigure loss={loss} run={stepRun} /> : null;
      case 'Loss curve':
        return <LossCurve runs={runs} />;
      case 'Angle histogram':
        return <AngleHistogram runs={runs} />;
      case 'ROC curve':
        return <RocCurve runs={runs} />;
      case 'Hypersphere':
        return <HypersphereFigure run={stepRun} />;
    }
  };
  if (shown.length === 0) return null;
  return (
    <div className="lesson-figures">
      {shown.map((name) => (
        <div key={name} className="lesson-figure" data-look={name} tabIndex={-1}>
          {figure(name)}
        </div>
      ))}
    </div>
  );
}

/** How long "Look at" keeps its highlight, ms. */
export const LOOK_HIGHLIGHT_MS = 2500;

/**
 * Scrolls figure `name` into view, moves focus to it and highlights it for a moment: the lesson's own copy when
 * `within` holds one, else the lab's figure of that name. Returns the element, or undefined when there is none.
 */
export function lookAtFigure(name: string, within: HTMLElement | null): HTMLElement | undefined {
  const own = Array.from(within?.querySelectorAll<HTMLElement>('[data-look]') ?? []).find((el) => el.dataset.look === name);
  const target = own ?? Array.from(document.querySelectorAll<HTMLElement>('figure[aria-label]')).find((el) => el.getAttribute('aria-label') === name);
  if (!target) return undefined;
  target.scrollIntoView?.({ behavior: 'smooth', block: 'center' });
  // The lesson's blocks take focus (tabIndex −1), so a keyboard or screen-reader user lands on the figure too.
  target.focus({ preventScroll: true });
  target.classList.add('look-highlight');
  setTimeout(() => target.classList.remove('look-highlight'), LOOK_HIGHLIGHT_MS);
  return target;
}
