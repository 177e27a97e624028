/**
 * The workspace's top bar, in sight in every view: the lab's name, the view tabs, the run's progress, the training
 * backend and the presentation-mode switch.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { ViewId } from '../../core/hashState.ts';
import { BackendStatus } from '../BackendStatus.tsx';
import type { Lab } from '../useLab.ts';
import { RunStatus } from './RunStatus.tsx';
import { ViewTabs } from './ViewTabs.tsx';

/** Props of the top bar. */
export interface TopBarProps {
  lab: Pick<Lab, 'worker' | 'training' | 'queue' | 'sweep'> & { runs: Pick<Lab['runs'], 'storageProblem'> };
  view: ViewId;
  onView(view: ViewId): void;
  hrefFor(view: ViewId): string;
  presentation: boolean;
  onPresentation(on: boolean): void;
}

/**
 * Keeps `--top-bar-height` on the root element at the bar's height (it wraps to two rows on narrow windows and in
 * presentation mode): what sticks under it and what fills the view below it is sized from it.
 */
function useBarHeight(bar: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const node = bar.current;
    if (!node || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty('--top-bar-height', `${node.offsetHeight}px`));
    observer.observe(node);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--top-bar-height');
    };
  }, [bar]);
}

/** The top bar. */
export function TopBar({ lab, view, onView, hrefFor, presentation, onPresentation }: TopBarProps) {
  const bar = useRef<HTMLElement>(null);
  useBarHeight(bar);
  return (
    <header className="top-bar" ref={bar}>
      <div className="brand">
        <h1>Margin Lab</h1>
        <p className="tagline">Nothing you load leaves this page.</p>
      </div>
      <ViewTabs view={view} onView={onView} hrefFor={hrefFor} />
      <div className="top-status">
        <RunStatus training={lab.training} queue={lab.queue} sweepRunning={lab.sweep.running} sweepJobs={lab.sweep.jobs} />
        <BackendStatus state={lab.worker} />
        {/* In the bar, not the Compare view only: a full disk must be in sight of whoever is training. */}
        {lab.runs.storageProblem && (
          <p className="warning storage-problem" role="alert">
            Runs are not being saved: {lab.runs.storageProblem}
          </p>
        )}
      </div>
      <button
        type="button"
        className="presentation-toggle"
        aria-pressed={presentation}
        onClick={() => onPresentation(!presentation)}
        title="Large type, thick lines and high contrast for a projector"
      >
        Presentation
      </button>
    </header>
  );
}
