/** Lesson mode: steps, one-click runs, overlaid runs of the steps so far, and the position in the URL. */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MARGINS_LESSON, type LessonPosition } from '../../../src/core/lessons.ts';
import { presetConfig, QUICK_DEMO_PRESET } from '../../../src/core/presets.ts';
import { makeRun } from '../fixtures.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => {}), purge: vi.fn(), downloadImage: vi.fn(), toImage: vi.fn() }));
vi.mock('../../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));
const { LessonMode, lessonRunLabel, useLessonPosition } = await import('../../../src/ui/teach/LessonMode.tsx');
const { TeachingViews } = await import('../../../src/ui/teach/TeachingViews.tsx');
const { ViewVisibleContext } = await import('../../../src/ui/plot/figureContext.ts');

// jsdom has neither scrolling nor the Fullscreen API: record scrolls, and let tests install a fullscreen fake.
const scrolled = vi.fn<(this: Element, options?: ScrollIntoViewOptions) => void>();
beforeEach(() => {
  Element.prototype.scrollIntoView = function (this: Element, options?: ScrollIntoViewOptions | boolean) {
    scrolled.call(this, options as ScrollIntoViewOptions);
  };
});

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
  window.history.replaceState(null, '', '/');
  delete (Element.prototype as Partial<Element>).scrollIntoView;
  delete (HTMLElement.prototype as Partial<HTMLElement>).requestFullscreen;
  delete (document as Partial<Document> & { fullscreenElement?: Element | null }).fullscreenElement;
});

const at = (step: number): LessonPosition => ({ lesson: MARGINS_LESSON, step });

describe('LessonMode', () => {
  it('steps with the arrow keys while it is on screen, unless a control takes them', () => {
    const onPosition = vi.fn();
    const { rerender } = render(<LessonMode position={at(2)} onPosition={onPosition} runs={[]} onRunPreset={() => {}} busy={false} />);
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    expect(onPosition).toHaveBeenLastCalledWith(at(3));
    fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    expect(onPosition).toHaveBeenLastCalledWith(at(1));
    // A slider keeps its arrows, and so do the keys with a modifier.
    const slider = document.createElement('input');
    slider.type = 'range';
    document.body.append(slider);
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    fireEvent.keyDown(document.body, { key: 'ArrowRight', altKey: true });
    slider.remove();
    expect(onPosition).toHaveBeenCalledTimes(2);
    // In a hidden view the keys belong to the view on screen.
    rerender(
      <ViewVisibleContext.Provider value={false}>
        <LessonMode position={at(2)} onPosition={onPosition} runs={[]} onRunPreset={() => {}} busy={false} />
      </ViewVisibleContext.Provider>,
    );
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    expect(onPosition).toHaveBeenCalledTimes(2);
  });

  it('shows the step, moves between steps and runs the step’s preset with the lesson label', () => {
    const onPosition = vi.fn();
    const onRunPreset = vi.fn();
    render(<LessonMode position={at(2)} onPosition={onPosition} runs={[]} onRunPreset={onRunPreset} busy={false} />);
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe('3. Margin 30°');
    expect(screen.getByText('Step 3 of 6')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(onPosition).toHaveBeenLastCalledWith(at(3));
    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(onPosition).toHaveBeenLastCalledWith(at(1));
    fireEvent.click(screen.getByRole('button', { name: '6. Alignment on and off' }));
    expect(onPosition).toHaveBeenLastCalledWith(at(5));
    fireEvent.click(screen.getByRole('button', { name: 'Run this step' }));
    expect(onRunPreset).toHaveBeenCalledWith('quick-margin-30', 'Lesson · 3. Margin 30°');
    fireEvent.click(screen.getByRole('button', { name: 'Leave lesson' }));
    expect(onPosition).toHaveBeenLastCalledWith(undefined);
  });

  it('has no run for the photo step without photos, and no Next on the last step', () => {
    render(<LessonMode position={at(5)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy={false} />);
    expect(screen.queryByRole('button', { name: 'Run this step' })).toBeNull();
    expect(screen.getByText(/needs your own photos/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('overlays the runs of the steps so far, the current one first', async () => {
    const softmax = makeRun('s', { label: lessonRunLabel(at(0)) });
    const intra = makeRun('i', { label: lessonRunLabel(at(1)) });
    const later = makeRun('m', { label: lessonRunLabel(at(4)) });
    const other = makeRun('o', { label: 'something else' });
    render(<LessonMode position={at(1)} onPosition={() => {}} runs={[softmax, other, later, intra]} onRunPreset={() => {}} busy />);
    expect((screen.getByRole('button', { name: 'Run this step' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {});
    const lossCall = (plotly.react.mock.calls as unknown[][]).find((c) => (c[1] as { name: string }[]).some((t) => t.name.startsWith('loss (raw)')));
    const names = (lossCall![1] as { name: string }[]).map((t) => t.name).filter((n) => n.startsWith('loss (smoothed)'));
    expect(names).toEqual([`loss (smoothed) · ${intra.label}`, `loss (smoothed) · ${softmax.label}`]);
  });
});

/** A training state for lesson mode's controls, with spies for its commands. */
function fakeTraining(phase: 'idle' | 'training' | 'paused' = 'training') {
  return { run: makeRun('live', { label: 'Lesson · 5. Margin 60°' }), phase, pause: vi.fn(), resume: vi.fn(), stop: vi.fn() };
}

const lessonSection = () => screen.getByRole('region', { name: MARGINS_LESSON.title });

describe('LessonMode on screen', () => {
  it('opened by a link: scrolls to the lesson, focuses it and fills the window, with Pause, Resume and Stop', () => {
    const training = fakeTraining('training');
    render(<LessonMode position={at(3)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy focusRequest={1} training={training} />);
    expect(scrolled.mock.contexts).toContain(lessonSection());
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2 }));
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(true);
    expect(screen.getByRole('button', { name: 'Exit full screen' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Browser full screen' })).toBeTruthy();
    const controls = screen.getByRole('group', { name: 'Training' });
    expect(controls.textContent).toMatch(/Lesson · 5\. Margin 60°: step 4 \/ 500/);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(training.pause).toHaveBeenCalledTimes(1);
    expect((screen.getByRole('button', { name: 'Resume' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(training.stop).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByRole('button', { name: 'Exit full screen' }));
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(false);
    expect(screen.getByRole('button', { name: 'Full screen' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
  });

  it('stays in the page without a link, and Escape leaves the window-filling view', () => {
    const { rerender } = render(<LessonMode position={at(0)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy={false} training={fakeTraining('idle')} />);
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(false);
    expect(scrolled).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    rerender(<LessonMode position={at(0)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy={false} training={fakeTraining('idle')} focusRequest={1} />);
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(true);
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(false);
  });

  it('"Full screen" uses the browser’s full screen when granted, else fills the window; either way it reads "Exit full screen"', async () => {
    render(<LessonMode position={at(0)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy={false} training={fakeTraining('paused')} />);
    // No Fullscreen API (or a refusal): the overlay.
    fireEvent.click(screen.getByRole('button', { name: 'Full screen' }));
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Exit full screen' }));

    let fullscreenElement: Element | null = null;
    Object.defineProperty(document, 'fullscreenElement', { configurable: true, get: () => fullscreenElement });
    const exitFullscreen = vi.fn(async () => {
      fullscreenElement = null;
      document.dispatchEvent(new Event('fullscreenchange'));
    });
    Object.defineProperty(document, 'exitFullscreen', { configurable: true, value: exitFullscreen });
    // Grants full screen to whichever element asks (the lesson's section: checked below).
    HTMLElement.prototype.requestFullscreen = async function (this: HTMLElement) {
      fullscreenElement = lessonSection();
      expect(this).toBe(fullscreenElement);
      document.dispatchEvent(new Event('fullscreenchange'));
    };
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Full screen' })));
    expect(fullscreenElement).toBe(lessonSection());
    expect(screen.getByRole('button', { name: 'Exit full screen' })).toBeTruthy();
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(false);
    expect(screen.queryByRole('button', { name: 'Browser full screen' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Exit full screen' })));
    expect(exitFullscreen).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Full screen' })).toBeTruthy();
    delete (document as Partial<Document>).exitFullscreen;
  });

  it('"Look at" scrolls to the step’s figure in the lesson, focuses and highlights it', () => {
    render(<LessonMode position={at(2)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Look at: Target logit' }));
    const block = screen.getByRole('figure', { name: 'Target logit' }).closest<HTMLElement>('[data-look]')!;
    expect(block.dataset.look).toBe('Target logit');
    expect(scrolled.mock.contexts).toEqual([block]);
    expect(document.activeElement).toBe(block);
    expect(block.classList.contains('look-highlight')).toBe(true);
  });

  it('draws the step’s loss in "Target logit" as soon as the step is shown, before its run', () => {
    const { rerender } = render(<LessonMode position={at(4)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy={false} />);
    expect(screen.getByRole('figure', { name: 'Target logit' }).textContent).toMatch(/cos\(θ \+ 60°\).*only for θ below 30°/);
    rerender(<LessonMode position={at(2)} onPosition={() => {}} runs={[]} onRunPreset={() => {}} busy={false} />);
    expect(screen.getByRole('figure', { name: 'Target logit' }).textContent).toMatch(/cos\(θ \+ 30°\).*only for θ below 60°/);
  });
});

describe('useLessonPosition', () => {
  function Probe() {
    const lesson = useLessonPosition();
    return (
      <>
        <output>{lesson.position ? `${lesson.position.lesson.id}:${lesson.position.step}` : 'none'}</output>
        <button type="button" onClick={() => lesson.setPosition(at(4))}>
          five
        </button>
        <button type="button" onClick={() => lesson.setPosition(undefined)}>
          leave
        </button>
      </>
    );
  }

  function Opened() {
    const lesson = useLessonPosition();
    return (
      <>
        <output>{`${lesson.position?.step ?? 'none'}:${lesson.openedByLink}`}</output>
        <button type="button" onClick={() => lesson.setPosition(undefined)}>
          leave
        </button>
        <button type="button" onClick={() => lesson.start('margins')}>
          start
        </button>
      </>
    );
  }

  it('counts the links that opened a lesson: the page’s own, and one followed in this tab', () => {
    window.history.replaceState(null, '', '/#v=1&lesson=margins&step=4');
    render(<Opened />);
    expect(screen.getByRole('status').textContent).toBe('3:1');
    act(() => {
      window.history.replaceState(null, '', '/#v=1&lesson=margins&step=2');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(screen.getByRole('status').textContent).toBe('1:2');
    // Left and started again with the button: the lesson stays in the page.
    fireEvent.click(screen.getByRole('button', { name: 'leave' }));
    fireEvent.click(screen.getByRole('button', { name: 'start' }));
    expect(screen.getByRole('status').textContent).toBe('0:0');
    cleanup();
    window.history.replaceState(null, '', '/#v=1&lr=0.5');
    render(<Opened />);
    expect(screen.getByRole('status').textContent).toBe('none:0');
  });

  it('reads the lesson and step from the link and writes moves back, keeping the config keys', () => {
    window.history.replaceState(null, '', '/#v=1&lr=0.5&lesson=margins&step=2');
    render(<Probe />);
    expect(screen.getByRole('status').textContent).toBe('margins:1');
    fireEvent.click(screen.getByRole('button', { name: 'five' }));
    expect(window.location.hash).toBe('#v=1&lr=0.5&lesson=margins&step=5');
    // Leaving the lesson stays in Teach, which the link then names (a lesson link implies it).
    fireEvent.click(screen.getByRole('button', { name: 'leave' }));
    expect(window.location.hash).toBe('#v=1&lr=0.5&view=teach');
  });
});

describe('TeachingViews with a lesson link', () => {
  it('opens the lesson filling the window, and every "Target logit" shows the step’s loss before its run', () => {
    window.history.replaceState(null, '', '/#v=1&lesson=margins&step=5');
    const training = { ...fakeTraining('idle'), run: undefined, start: vi.fn(), resumeRun: vi.fn() };
    const config = presetConfig(QUICK_DEMO_PRESET.id); // ArcFace 30°: its target wins below 60°
    render(<TeachingViews training={training} config={config} onConfig={() => {}} onPreset={() => {}} shownRuns={[]} runs={[]} canStart />);
    expect(lessonSection().classList.contains('lesson-mode--focus')).toBe(true);
    const figures = screen.getAllByRole('figure', { name: 'Target logit' });
    expect(figures).toHaveLength(2); // the lesson's own and the teaching views'
    for (const figure of figures) expect(figure.textContent).toMatch(/only for θ below 30°/);
  });
});
