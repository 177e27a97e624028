import { BACKEND_DISPLAY_NAMES } from '../core/backendProbe.ts';
import type { BackendChoiceValue } from './worker/useLabWorker.ts';

const OPTIONS: readonly BackendChoiceValue[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The training backend the user wants: "Auto (fastest measured)", the default, times the backends on each run's
 * model and trains on the fastest; any other forces that backend (no probe). The page remembers the choice
 * (useLabWorker keeps it in localStorage) and applies it to the worker at once.
 */
export function BackendChoice({ choice, onChoice, error }: { choice: BackendChoiceValue; onChoice(choice: BackendChoiceValue): void; error?: string }) {
  return (
    <label className="backend-choice">
      Train on{' '}
      <select value={choice} onChange={(event) => onChoice(event.target.value as BackendChoiceValue)}>
        {OPTIONS.map((o) => (
          <option key={o} value={o}>
            {o === 'auto' ? 'Auto (fastest measured)' : BACKEND_DISPLAY_NAMES[o]}
          </option>
        ))}
      </select>
      {error && <span className="error"> {error}</span>}
    </label>
  );
}
