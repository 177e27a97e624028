import type { Training } from '../worker/useTraining.ts';

/** Pause, Resume and Stop of the run training now, each enabled in the phases where it applies. */
export function RunControlButtons({ training }: { training: Pick<Training, 'phase' | 'pause' | 'resume' | 'stop'> }) {
  const { phase } = training;
  return (
    <>
      <button type="button" onClick={training.pause} disabled={phase !== 'training'}>
        Pause
      </button>
      <button type="button" onClick={training.resume} disabled={phase !== 'paused'}>
        Resume
      </button>
      {/* A pausing or paused run can still be stopped: the click takes effect once it is parked. */}
      <button type="button" onClick={training.stop} disabled={phase !== 'training' && phase !== 'pausing' && phase !== 'paused'}>
        Stop
      </button>
    </>
  );
}
