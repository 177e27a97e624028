/**
 * The experiment config as page state that lives in the URL hash (through the hash's one owner, useHashState.ts):
 * a shared link opens the lab with the same setup, and every change is written back.
 */
import { useCallback } from 'react';
import { decodeHash } from '../core/hashState.ts';
import { presetConfig } from '../core/presets.ts';
import type { TrainConfig } from '../protocol/api.ts';
import { updateHashState, updatePage, useHashState } from './useHashState.ts';

/** The config, the preset it came from (if unchanged since), and problems found in the link. */
export interface ExperimentConfigState {
  config: TrainConfig;
  presetId?: string;
  linkErrors: string[];
}

/**
 * The state a page opened on `hash` starts from. The config keys alone define the config (they hold every difference
 * from the defaults); `preset=` only names the preset the config came from, for the buttons and run labels. A hash
 * without settings opens the Quick demo (or the preset it names).
 */
export function initialExperimentState(hash: string): ExperimentConfigState {
  const { state, errors } = decodeHash(hash);
  return { config: state.config, presetId: state.preset, linkErrors: errors };
}

/** Experiment config state synced with location.hash. */
export function useExperimentConfig() {
  const { page, linkErrors } = useHashState();
  const setConfig = useCallback((config: TrainConfig) => updatePage(({ preset: _preset, ...p }) => ({ ...p, config })), []);
  const choosePreset = useCallback((id: string) => updatePage((p) => ({ ...p, config: presetConfig(id), preset: id })), []);
  const dismissLinkErrors = useCallback(() => updateHashState((s) => ({ ...s, linkErrors: [] })), []);
  return { config: page.config, presetId: page.preset, linkErrors: linkErrors as string[], setConfig, choosePreset, dismissLinkErrors };
}
