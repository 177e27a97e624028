import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDuration, runProgress, TrainingPanel } from '../../../src/ui/panels/TrainingPanel.tsx';
import type { Training } from '../../../src/ui/worker/useTraining.ts';
import { makeRun } from '../fixtures.ts';

afterEach(cleanup);

const training = (over: Partial<Training>): Training => ({ phase: 'idle', start: vi.fn(), resumeRun: vi.fn(), pause: vi.fn(), resume: vi.fn(), stop: vi.fn(), ...over });
const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('TrainingPanel', () => {
  it('has exactly the Train, Pause, Resume and Stop buttons, enabled by phase', () => {
    const { rerender } = render(<TrainingPanel training={training({})} canStart onTrain={() => {}} />);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Train', 'Pause', 'Resume', 'Stop']);
    expect([button('Train').disabled, button('Pause').disabled, button('Resume').disabled, button('Stop').disabled]).toEqual([false, true, true, true]);
    rerender(<TrainingPanel training={training({ phase: 'training', run: makeRun('r') })} canStart onTrain={() => {}} />);
    expect([button('Train').disabled, button('Pause').disabled, button('Resume').disabled, button('Stop').disabled]).toEqual([true, false, true, false]);
    rerender(<TrainingPanel training={training({ phase: 'paused', run: makeRun('r') })} canStart onTrain={() => {}} />);
    expect([button('Pause').disabled, button('Resume').disabled, button('Stop').disabled]).toEqual([true, false, false]);
    // While a pause waits for the step in flight, Stop still works; the line says what is happening.
    rerender(<TrainingPanel training={training({ phase: 'pausing', run: makeRun('r') })} canStart onTrain={() => {}} />);
    expect([button('Pause').disabled, button('Resume').disabled, button('Stop').disabled]).toEqual([true, true, false]);
    expect(screen.getByText(/Step 4 \/ \d+ .* · pausing…/)).toBeTruthy();
    rerender(<TrainingPanel training={training({ phase: 'stopping', run: makeRun('r') })} canStart onTrain={() => {}} />);
    expect(screen.getByText(/· stopping…/)).toBeTruthy();
  });

  it('calls the training commands', () => {
    const t = training({ phase: 'training', run: makeRun('r') });
    render(<TrainingPanel training={t} canStart onTrain={() => {}} />);
    fireEvent.click(button('Pause'));
    fireEvent.click(button('Stop'));
    expect(t.pause).toHaveBeenCalledOnce();
    expect(t.stop).toHaveBeenCalledOnce();
  });

  it('shows step, epoch, images/s and time left while training', () => {
    // 4 steps of batch 32 done at 100 images/s, of 500 steps over 640 images.
    render(
      <TrainingPanel training={training({ phase: 'training', run: makeRun('r', { config: { batchSize: 32, steps: 500 } }) })} canStart onTrain={() => {}} trainImages={640} />,
    );
    expect(screen.getByRole('progressbar', { name: 'Training progress' }).getAttribute('value')).toBe('4');
    expect(screen.getByText(/Step 4 \/ 500 · epoch 0\.20 · 100\.0 images\/s · 2 min 39 s left/)).toBeTruthy();
  });

  it("shows 'starting…' until a new run's first step, never the record it was handed", () => {
    // A finished run's record (4 of 4 steps) while the next run prepares.
    render(<TrainingPanel training={training({ phase: 'preparing', run: makeRun('old', { config: { steps: 4 } }) })} canStart onTrain={() => {}} trainImages={640} />);
    expect(screen.getByText(/^starting…/)).toBeTruthy();
    expect(screen.queryByText(/Step 4 \/ 4/)).toBeNull();
    expect(screen.getByRole('progressbar', { name: 'Training progress' }).hasAttribute('value')).toBe(false);
  });

  it('computes progress from the recent median throughput', () => {
    const progress = runProgress(makeRun('r', { config: { batchSize: 10, steps: 14 } }), 40);
    expect(progress).toMatchObject({ step: 4, steps: 14, epoch: 1, imagesPerSec: 100, etaSeconds: 1 });
    expect(formatDuration(65)).toBe('1 min 05 s');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
