/** Lesson mode (issue 8): steps, one-click runs, overlaid runs of the steps so far, and the position in the URL. */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MARGINS_LESSON, type LessonPosition } from '../../src/core/lessons.ts';
import { makeRun } from './fixtures.ts';

const plotly = vi.hoisted(() => ({ react: vi.fn(async () => {}), purge: vi.fn(), downloadImage: vi.fn(), toImage: vi.fn() }));
vi.mock('../../src/ui/plot/plotly.ts', () => ({ loadPlotly: async () => plotly }));
const { LessonMode, lessonRunLabel, useLessonPosition } = await import('../../src/ui/teach/LessonMode.tsx');

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
  window.history.replaceState(null, '', '/');
});

const at = (step: number): LessonPosition => ({ lesson: MARGINS_LESSON, step });

describe('LessonMode', () => {
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

describe('useLessonPosition', () => {
  function Probe() {
    const lesson = useLessonPosition();
    return (
      <>
        <output>{lesson.position ? `${lesson.position.lesson.id}:${lesson.position.step}` : 'none'}</output>
        <button type="button" onClick={() => lesson.setPosition(at(4))}>five</button>
        <button type="button" onClick={() => lesson.setPosition(undefined)}>leave</button>
      </>
    );
  }

  it('reads the lesson and step from the link and writes moves back, keeping the config keys', () => {
    window.history.replaceState(null, '', '/#v=1&lr=0.5&lesson=margins&step=2');
    render(<Probe />);
    expect(screen.getByRole('status').textContent).toBe('margins:1');
    fireEvent.click(screen.getByRole('button', { name: 'five' }));
    expect(window.location.hash).toBe('#v=1&lr=0.5&lesson=margins&step=5');
    fireEvent.click(screen.getByRole('button', { name: 'leave' }));
    expect(window.location.hash).toBe('#v=1&lr=0.5');
  });
});
