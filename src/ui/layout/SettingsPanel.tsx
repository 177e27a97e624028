/**
 * The training settings ("Model and loss", grouped as the config table groups them) in a side panel that opens
 * beside the figures, out of the page's flow. Its "Settings" switch sits with the training controls; Escape or
 * "Close settings" closes it and gives the focus back to the switch.
 */
import { memo, useEffect, useRef } from 'react';
import type { TrainConfig } from '../../protocol/api.ts';
import { ConfigPanel as ConfigPanelView } from '../panels/ConfigPanel.tsx';

// Its props stay the same while a run trains: skipping its re-render keeps live updates cheap.
const ConfigPanel = memo(ConfigPanelView);

/** The id of the settings panel (the switch's aria-controls). */
export const SETTINGS_PANEL_ID = 'settings-panel';

/** Props of the settings switch. */
export interface SettingsToggleProps {
  open: boolean;
  onOpen(open: boolean): void;
  /** Why the config cannot train, shown here while the panel (which shows it too) is closed. */
  problem?: string;
}

/** "Settings": opens and closes the side panel; says what is wrong with the settings while it is closed. */
export function SettingsToggle({ open, onOpen, problem }: SettingsToggleProps) {
  return (
    <div className="settings-toggle">
      <button type="button" id={`${SETTINGS_PANEL_ID}-toggle`} aria-expanded={open} aria-controls={SETTINGS_PANEL_ID} onClick={() => onOpen(!open)}>
        Settings
      </button>
      <span className="help">model, loss, optimiser, training and evaluation</span>
      {problem && !open && <p className="error">The settings cannot train: {problem}</p>}
    </div>
  );
}

/** Props of the settings panel. */
export interface SettingsPanelProps {
  open: boolean;
  onClose(): void;
  config: TrainConfig;
  onChange(config: TrainConfig): void;
  disabled: boolean;
  problem?: string;
}

/** The side panel with every training setting; kept mounted while closed, so half-typed values stay. */
export function SettingsPanel({ open, onClose, config, onChange, disabled, problem }: SettingsPanelProps) {
  const root = useRef<HTMLElement>(null);
  const wasOpen = useRef(open);
  useEffect(() => {
    // Opened: the focus moves into the panel; closed from inside it: back to the switch.
    if (open && !wasOpen.current) root.current?.querySelector<HTMLElement>('h2')?.focus();
    if (!open && wasOpen.current && root.current?.contains(document.activeElement)) document.getElementById(`${SETTINGS_PANEL_ID}-toggle`)?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <section
      ref={root}
      id={SETTINGS_PANEL_ID}
      className="settings-panel"
      aria-label="Settings"
      hidden={!open}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="settings-panel-bar">
        <h2 tabIndex={-1}>Settings</h2>
        <button type="button" onClick={onClose}>
          Close settings
        </button>
      </div>
      <ConfigPanel config={config} onChange={onChange} disabled={disabled} problem={problem} />
    </section>
  );
}
