/**
 * Space pauses the training run, and resumes it once paused, wherever the focus is on the page, except on a control
 * that Space works itself (a button, a link, a checkbox, a field): there it keeps doing what it does.
 */
import { useEffect } from 'react';
import { hasModifier, spaceBelongsTo } from '../keys.ts';
import type { Training } from '../worker/useTraining.ts';

/** Listens for Space on the document while a run trains or is paused. */
export function useSpaceToPause({ phase, pause, resume }: Pick<Training, 'phase' | 'pause' | 'resume'>): void {
  useEffect(() => {
    if (phase !== 'training' && phase !== 'paused') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== ' ' || event.repeat || event.defaultPrevented || hasModifier(event) || spaceBelongsTo(event.target)) return;
      event.preventDefault(); // Space would scroll the page
      if (phase === 'training') pause();
      else resume();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [phase, pause, resume]);
}
