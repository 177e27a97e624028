import { BACKEND_DISPLAY_NAMES, backendStatusText } from '../core/backendProbe.ts';
import type { BackendName, BackendReport } from '../protocol/api.ts';
import { BackendChoice } from './BackendChoice.tsx';
import type { LabWorkerState } from './worker/useLabWorker.ts';

/** Display names for the backends, as the status line shows them. */
export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = BACKEND_DISPLAY_NAMES;

/** The adapter a WebGPU backend runs on ("WebGPU on google swiftshader (software adapter: slow)"). */
function describeAdapter(report: BackendReport): string {
  const name = BACKEND_LABELS[report.backend];
  if (report.adapter) {
    const { vendor, architecture, description, isFallbackAdapter } = report.adapter;
    const gpu = [vendor, architecture || description].filter(Boolean).join(' ');
    return `${name} on ${gpu || 'an unnamed adapter'}${isFallbackAdapter ? ' (software adapter: slow)' : ''}`;
  }
  return name;
}

/**
 * The status line: after a probe the chosen backend and every backend's measured figures (src/core/backendProbe.ts
 * words them); otherwise the backend and its adapter, and whether the user chose it or runs will measure.
 */
export function backendLine(report: BackendReport, probing = false): string {
  if (probing) return `${describeAdapter(report)} · timing the backends on this run's model…`;
  if ((report.choice === 'measured' || report.choice === 'cached') && report.probes?.length) return backendStatusText(report.backend, report.probes);
  if (report.choice === 'forced') return `${describeAdapter(report)} · chosen in “Train on”`;
  return `${describeAdapter(report)} · auto: the fastest is measured when a run starts`;
}

/**
 * Which backend trains, and why it is not the preferred one when it is not (folded away: the status sits in the top
 * bar of every view).
 */
export function BackendStatus({ state }: { state: LabWorkerState }) {
  if (state.phase === 'starting')
    return (
      <p role="status" aria-label="Backend">
        Starting the training worker…
      </p>
    );
  if (state.phase === 'failed')
    return (
      <p role="status" aria-label="Backend" data-backend="none" className="error">
        Worker failed: {state.error}
      </p>
    );
  if (state.phase === 'restarting') {
    return (
      <p role="status" aria-label="Backend" data-backend="none" className="warning">
        {state.restart.reason}: starting a new training worker…
      </p>
    );
  }
  const skipped = state.backend.attempts.filter((a) => !a.ok);
  const report = state.backend;
  const probeSeconds = ((report.probes ?? []).reduce((sum, p) => sum + (p.ms ?? 0), 0) / 1000).toFixed(1);
  const measuredAt = report.measuredAt ? new Date(report.measuredAt).toLocaleString() : '';
  const title =
    report.choice === 'cached'
      ? `Measured ${measuredAt} (kept for this model in this browser)`
      : report.choice === 'measured'
        ? `Measured for this model in ${probeSeconds} s`
        : undefined;
  return (
    <>
      <div role="status" aria-label="Backend" data-backend={state.backend.backend} data-choice={state.backend.choice ?? 'first'}>
        <span title={title}>Backend: {backendLine(state.backend, state.probing)}</span>
        {state.restart && (
          <p className="warning">
            {state.restart.reason}; a new worker was started on {BACKEND_LABELS[state.backend.backend]}
            {state.restart.count > 1 ? ` (restart ${state.restart.count})` : ''}.
          </p>
        )}
        {skipped.length > 0 && (
          <details className="fallbacks">
            <summary>Why not {skipped.map((a) => BACKEND_LABELS[a.backend]).join(', ')}</summary>
            <ul>
              {skipped.map((a) => (
                <li key={a.backend}>
                  {BACKEND_LABELS[a.backend]} not used: {a.reason}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
      <BackendChoice choice={state.choice} onChoice={state.setChoice} error={state.choiceError} />
    </>
  );
}
