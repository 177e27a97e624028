import type { LoadProgress } from '../../protocol/data.ts';

/** "ETA 42 s", "ETA 3 min 05 s", or "ETA …" while the rate is not known yet. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'ETA …';
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `ETA ${whole} s`;
  const minutes = Math.floor(whole / 60);
  return `ETA ${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** The text next to the bar: "n / total, ETA …" (digits grouped for large folders). */
export function progressText(progress: LoadProgress): string {
  const count = `${progress.done.toLocaleString('en-US')} / ${progress.total.toLocaleString('en-US')}`;
  return progress.done >= progress.total ? `${count}, done` : `${count}, ${formatEta(progress.etaSeconds)}`;
}

/** Progress of reading a folder: a labelled <progress> and its counts. */
export function LoadProgressBar({ label, progress }: { label: string; progress: LoadProgress }) {
  const text = progressText(progress);
  return (
    <div className="load-progress">
      <progress aria-label={label} max={Math.max(1, progress.total)} value={progress.done} aria-valuetext={text} />
      <span aria-hidden="true"> {text}</span>
    </div>
  );
}
