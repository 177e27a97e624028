import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeConfigHash } from '../../../src/core/configCodec.ts';
import { configToJson } from '../../../src/core/configFile.ts';
import { DEMO_SWEEP, PRESETS, presetConfig, QUICK_DEMO_PRESET, REPORT_PRESETS } from '../../../src/core/presets.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { PresetBar, sweepFor } from '../../../src/ui/panels/PresetBar.tsx';
import { initialExperimentState } from '../../../src/ui/useExperimentConfig.ts';
import { loadStylesheets, rulesMatching } from '../css.ts';

afterEach(cleanup);

// jsdom's File has no text() (every browser's has): read it the old way for these tests.
if (!('text' in File.prototype)) {
  Object.defineProperty(File.prototype, 'text', {
    value(this: File) {
      return new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.onerror = () => reject(reader.error);
        reader.readAsText(this);
      });
    },
  });
}

describe('PresetBar', () => {
  const props = () => ({ config: presetConfig('quick-demo'), disabled: false, onPreset: vi.fn(), onConfig: vi.fn(), onRunAll: vi.fn() });

  it('offers the report presets, Quick demo and the two domain presets as buttons, the chosen one pressed', () => {
    render(<PresetBar {...props()} presetId="margin-30" />);
    const group = screen.getByRole('group', { name: 'Presets' });
    expect(Array.from(group.querySelectorAll('button'), (b) => b.textContent)).toEqual([
      'Softmax',
      'Softmax + Intra',
      'Margin 30°',
      'Margin 45°',
      'Margin 60°',
      'Quick demo',
      'Same domain',
      'Other domain',
    ]);
    expect(screen.getByRole('button', { name: 'Margin 30°' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText(PRESETS[2].description)).toBeTruthy();
  });

  it('shows the chosen preset as chosen on screen, Quick demo when the page opens', () => {
    const unload = loadStylesheets('app');
    try {
      render(<PresetBar {...props()} presetId={initialExperimentState('').presetId} />);
      const chosen = screen.getByRole('button', { name: 'Quick demo' });
      expect(chosen.getAttribute('aria-pressed')).toBe('true');
      // aria-pressed told screen readers only: a rule must style the pressed button apart from the others.
      const others = rulesMatching(screen.getByRole('button', { name: 'Softmax' }));
      const own = rulesMatching(chosen).filter((rule) => !others.includes(rule));
      expect(own.map((rule) => rule.style.getPropertyValue('background') || rule.style.getPropertyValue('background-color'))).toContain('var(--accent)');
    } finally {
      unload();
    }
  });

  it('"Run all presets" queues the report sweep for a report preset, the quick sweep otherwise', () => {
    const p = props();
    render(<PresetBar {...p} presetId="softmax" />);
    fireEvent.click(screen.getByRole('button', { name: 'Run all presets' }));
    expect(p.onRunAll).toHaveBeenCalledWith(REPORT_PRESETS);
    expect(sweepFor('quick-demo')).toBe(DEMO_SWEEP);
    expect(sweepFor(undefined)).toBe(DEMO_SWEEP);
  });

  it('loads a config JSON file, and refuses a bad one with the file name and reason', async () => {
    const p = props();
    render(<PresetBar {...p} />);
    const input = screen.getByLabelText('Config file') as HTMLInputElement;
    const good = parseTrainConfig({ steps: 77 });
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File([configToJson(good)], 'setup.json')] } });
    });
    await vi.waitFor(() => expect(p.onConfig).toHaveBeenCalledWith(good), { timeout: 5000 });
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File(['{"nope":1}'], 'broken.json')] } });
    });
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^broken\.json: /), { timeout: 5000 });
  });
});

describe('experiment config from the URL hash', () => {
  it('opens on Quick demo without a hash', () => {
    expect(initialExperimentState('')).toEqual({ config: presetConfig(QUICK_DEMO_PRESET.id), presetId: 'quick-demo', linkErrors: [] });
  });

  it('round-trips a shared link: config and preset name', () => {
    const config = presetConfig('margin-45');
    const state = initialExperimentState(encodeConfigHash(config, { preset: 'margin-45' }));
    expect(state).toEqual({ config, presetId: 'margin-45', linkErrors: [] });
  });

  it('applies what it can from a damaged link and lists the rest', () => {
    const state = initialExperimentState('#v=1&n=40&zzz=1&preset=nonsense');
    expect(state.config.steps).toBe(40);
    expect(state.presetId).toBeUndefined();
    expect(state.linkErrors.join('\n')).toMatch(/zzz/);
    expect(state.linkErrors.join('\n')).toMatch(/unknown preset 'nonsense'/);
  });
});

describe('useExperimentConfig', () => {
  it('takes the setup of a link opened in the same tab (hash change without reload)', async () => {
    const { renderHook } = await import('@testing-library/react');
    const { useExperimentConfig } = await import('../../../src/ui/useExperimentConfig.ts');
    window.history.replaceState(null, '', encodeConfigHash(presetConfig('softmax'), { preset: 'softmax' }));
    const { result } = renderHook(() => useExperimentConfig());
    expect(result.current.presetId).toBe('softmax');
    await act(async () => {
      window.location.hash = encodeConfigHash(presetConfig('margin-60'), { preset: 'margin-60' }).slice(1);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(result.current.presetId).toBe('margin-60');
    expect(result.current.config).toEqual(presetConfig('margin-60'));
  });
});
