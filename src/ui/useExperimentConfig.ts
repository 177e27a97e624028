/**
 * The experiment config as page state that lives in the URL hash: a shared link opens the lab with the
 * same setup, and every change is written back (replaceState, so the back button is not flooded).
 */
import { useCallback, useEffect, useState } from 'react';
import { decodeConfigHash, encodeConfigHash } from '../core/configCodec.ts';
import { findPreset, presetConfig, QUICK_DEMO_PRESET } from '../core/presets.ts';
import { readHashKeys } from '../core/lessons.ts';
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

/** The part of the hash that this state defines: config and preset. */
const setupKey = (state: ExperimentConfigState) => encodeConfigHash(state.config, state.presetId ? { preset: state.presetId } : {});

/** Experiment config state synced with location.hash. */
export function useExperimentConfig() {
  const [state, setState] = useState<ExperimentConfigState>(() => initialExperimentState(window.location.hash));

  useEffect(() => {
    // Lesson mode owns its own keys (src/ui/teach/LessonMode.tsx): keep them when the config changes.
    const extras: Record<string, string> = { ...(state.presetId ? { preset: state.presetId } : {}), ...readHashKeys(window.location.hash, ['lesson', 'step']) };
    const hash = encodeConfigHash(state.config, extras);
    if (hash !== window.location.hash) window.history.replaceState(null, '', hash);
  }, [state.config, state.presetId]);

  // A link opened in this tab changes only the hash (no reload): take its setup when it differs from ours
  // (lesson keys changing alone leave the config as it is).
  useEffect(() => {
    const onHashChange = () => {
      setState((current) => {
        const next = initialExperimentState(window.location.hash);
        return setupKey(next) === setupKey(current) && next.linkErrors.length === 0 ? current : next;
      });
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const setConfig = useCallback((config: TrainConfig) => setState((s) => ({ ...s, config, presetId: undefined })), []);
  const choosePreset = useCallback((id: string) => setState((s) => ({ ...s, config: presetConfig(id), presetId: id })), []);
  const dismissLinkErrors = useCallback(() => setState((s) => ({ ...s, linkErrors: [] })), []);

  return { ...state, setConfig, choosePreset, dismissLinkErrors };
}
