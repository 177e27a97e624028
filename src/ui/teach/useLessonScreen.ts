/**
 * How much of the screen the lesson takes: in the page, in a full-viewport overlay ("focus" mode, which needs no
 * permission), or in the browser's real full screen. Browsers grant requestFullscreen only during a click, so a
 * lesson opened from a link starts in the overlay and offers a button for the real thing; a click on "Full
 * screen" asks for the real thing and falls back to the overlay when the browser refuses.
 */
import { useCallback, useEffect, useState, type RefObject } from 'react';

/** The lesson's screen state and its commands. */
export interface LessonScreen {
  /** The full-viewport overlay is on (it stays under the browser's full screen when both are). */
  focusMode: boolean;
  /** The lesson element is the browser's full-screen element. */
  fullscreen: boolean;
  /** Either: the lesson is all the user sees, so it must carry the training controls. */
  expanded: boolean;
  /** Real full screen if the browser grants it now (during a click), else the overlay. */
  enter(): void;
  /** The overlay, without asking the browser (a link opened the lesson: no click to ask with). */
  enterFocus(): void;
  /** Leaves the browser's full screen and the overlay. */
  exit(): void;
}

/** The screen state of the lesson element `root`; Escape leaves the overlay as it leaves a real full screen. */
export function useLessonScreen(root: RefObject<HTMLElement | null>): LessonScreen {
  const [focusMode, setFocusMode] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);

  useEffect(() => {
    const onChange = () => {
      const on = !!root.current && document.fullscreenElement === root.current;
      setFullscreen(on);
      // Leaving the browser's full screen (Esc, or its own button) leaves the lesson's big view altogether.
      if (!on) setFocusMode(false);
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [root]);

  useEffect(() => {
    if (!focusMode || fullscreen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setFocusMode(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [focusMode, fullscreen]);

  const enter = useCallback(() => {
    const element = root.current;
    if (!element?.requestFullscreen) return setFocusMode(true);
    element.requestFullscreen().catch(() => setFocusMode(true));
  }, [root]);

  const enterFocus = useCallback(() => setFocusMode(true), []);

  const exit = useCallback(() => {
    setFocusMode(false);
    if (document.fullscreenElement && document.fullscreenElement === root.current) void document.exitFullscreen?.();
  }, [root]);

  return { focusMode, fullscreen, expanded: focusMode || fullscreen, enter, enterFocus, exit };
}
