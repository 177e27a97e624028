/** The backend status in the top bar: the chosen backend with every backend's measured figures, and the user's choice. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendReport } from '../../src/protocol/api.ts';
import { BackendStatus } from '../../src/ui/BackendStatus.tsx';
import type { LabWorkerState, SupervisedWorker } from '../../src/ui/worker/useLabWorker.ts';

afterEach(cleanup);

const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true };

function ready(backend: BackendReport, extra: Partial<LabWorkerState> = {}): LabWorkerState {
  return { phase: 'ready', worker: {} as SupervisedWorker, backend, choice: 'auto', setChoice: () => undefined, ...extra } as LabWorkerState;
}

const status = () => screen.getByRole('status', { name: 'Backend' });

describe('BackendStatus', () => {
  it('names the measured choice and every backend’s figures', () => {
    const report: BackendReport = {
      backend: 'wasm',
      attempts: [{ backend: 'wasm', ok: true }],
      tfjsVersion: '4.22.0',
      choice: 'measured',
      probes: [
        { backend: 'wasm', imgPerSec: 238.2, batch: 16, steps: 3 },
        { backend: 'webgl', imgPerSec: 27.4, batch: 16, steps: 1, stopped: 'clearly slower' },
        { backend: 'webgpu', imgPerSec: 7.4, batch: 16, steps: 1, adapter: 'SwiftShader', software: true },
      ],
    };
    render(<BackendStatus state={ready(report)} />);
    expect(status().textContent).toBe('Backend: WASM · 238 img/s — WebGL 27 img/s, WebGPU (SwiftShader, software) 7.4 img/s');
    expect(status().dataset).toMatchObject({ backend: 'wasm', choice: 'measured' });
  });

  it('before a run measures, says the backend, its adapter and that runs will measure; while probing, says so', () => {
    const report: BackendReport = { backend: 'webgpu', adapter: SWIFTSHADER, attempts: [{ backend: 'webgpu', ok: true }], tfjsVersion: '4.22.0' };
    const { rerender } = render(<BackendStatus state={ready(report)} />);
    expect(status().textContent).toBe('Backend: WebGPU on google swiftshader (software adapter: slow) · auto: the fastest is measured when a run starts');
    rerender(<BackendStatus state={ready(report, { probing: true })} />);
    expect(status().textContent).toMatch(/^Backend: WebGPU on google swiftshader \(software adapter: slow\) · timing the backends on this run's model…$/);
  });

  it('shows a forced backend as the user’s choice, and changes the choice through the select', () => {
    const setChoice = vi.fn();
    const report: BackendReport = { backend: 'webgpu', adapter: SWIFTSHADER, attempts: [{ backend: 'webgpu', ok: true }], tfjsVersion: '4.22.0', choice: 'forced' };
    render(<BackendStatus state={ready(report, { choice: 'webgpu', setChoice, choiceError: 'a run is training: change the backend when it has ended' })} />);
    expect(status().textContent).toMatch(/^Backend: WebGPU on google swiftshader \(software adapter: slow\) · chosen in “Train on”$/);
    const select = screen.getByRole('combobox', { name: /Train on/ }) as HTMLSelectElement;
    expect(select.value).toBe('webgpu');
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(['Auto (fastest measured)', 'WebGPU', 'WebGL', 'WASM', 'CPU']);
    fireEvent.change(select, { target: { value: 'auto' } });
    expect(setChoice).toHaveBeenCalledWith('auto');
    expect(screen.getByText(/a run is training: change the backend/)).toBeTruthy();
  });
});
