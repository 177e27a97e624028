import type { BackendName, BackendReport } from '../protocol/api.ts';
import type { LabWorkerState } from './worker/useLabWorker.ts';

/** Display names for the backends, as the status line shows them. */
export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = Object.freeze({
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
});

function describe(report: BackendReport): string {
  const name = BACKEND_LABELS[report.backend];
  if (report.adapter) {
    const { vendor, architecture, description, isFallbackAdapter } = report.adapter;
    const gpu = [vendor, architecture || description].filter(Boolean).join(' ');
    return `${name} on ${gpu || 'an unnamed adapter'}${isFallbackAdapter ? ' (software adapter: slow)' : ''}`;
  }
  return name;
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
  return (
    <div role="status" aria-label="Backend" data-backend={state.backend.backend}>
      <span>Backend: {describe(state.backend)}</span>
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
  );
}
