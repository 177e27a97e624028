/**
 * The experiment config as page state that lives in the URL hash: a shared link opens the lab with the
 * same setup, and every change is written back (replaceState, so the back button is not flooded).
 */
import { useCallback, useEffect, useState } from 'react';
import { decodeConfigHash, encodeConfigHash } from '../core/configCodec.ts';
import { findPreset, presetConfig, QUICK_DEMO_PRESET } from '../core/presets.ts';
import type { TrainConfig } from '../protocol/api.ts';

/** The config, the preset it came from (if unchanged since), and problems found in the link. */
export interface ExperimentConfigState {
  config: TrainConfig;
  presetId?: string;
  linkErrors: string[];
}

/**
 * Reads the initial state from a hash. The config keys alone define the config (they hold every difference from
 * the defaults); `preset=` only names the preset the config came from, for the buttons and run labels.
 */
export function initialExperimentState(hash: string): ExperimentConfigState {
  if (!hash || hash === '#') return { config: presetConfig(QUICK_DEMO_PRESET.id), presetId: QUICK_DEMO_PRESET.id, linkErrors: [] };
  const decoded = decodeConfigHash(hash);
  const presetId = decoded.extras.preset;
  const preset = presetId ? findPreset(presetId) : undefined;
  const errors = [...decoded.errors];
  if (presetId && !preset) errors.push(`unknown preset '${presetId}' in the link`);
  return { config: decoded.config, presetId: preset?.id, linkErrors: errors };
}

/** Experiment config state synced with location.hash. */
export function useExperimentConfig() {
  const [state, setState] = useState<ExperimentConfigState>(() => initialExperimentState(window.location.hash));

  useEffect(() => {
    const extras: Record<string, string> = state.presetId ? { preset: state.presetId } : {};
    const hash = encodeConfigHash(state.config, extras);
    if (hash !== window.location.hash) window.history.replaceState(null, '', hash);
  }, [state.config, state.presetId]);

  const setConfig = useCallback((config: TrainConfig) => setState((s) => ({ ...s, config, presetId: undefined })), []);
  const choosePreset = useCallback((id: string) => setState((s) => ({ ...s, config: presetConfig(id), presetId: id })), []);
  const dismissLinkErrors = useCallback(() => setState((s) => ({ ...s, linkErrors: [] })), []);

  return { ...state, setConfig, choosePreset, dismissLinkErrors };
}
