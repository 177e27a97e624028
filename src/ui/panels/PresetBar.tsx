import { useId, useRef, useState } from 'react';
import { configFromJson, configToJson } from '../../core/configFile.ts';
import { DEMO_SWEEP, PRESETS, REPORT_PRESETS, findPreset, type ExperimentPreset } from '../../core/presets.ts';
import type { TrainConfig } from '../../protocol/api.ts';
import { downloadText } from '../download.ts';

/**
 * The sweep "Run all presets" trains: the report's five experiments when a report preset is chosen, otherwise
 * the same five losses at the Quick demo scale.
 */
export function sweepFor(presetId: string | undefined): readonly ExperimentPreset[] {
  return presetId && REPORT_PRESETS.some((p) => p.id === presetId) ? REPORT_PRESETS : DEMO_SWEEP;
}

/** Props of the preset bar. */
export interface PresetBarProps {
  presetId?: string;
  config: TrainConfig;
  disabled: boolean;
  onPreset(id: string): void;
  onConfig(config: TrainConfig): void;
  onRunAll(presets: readonly ExperimentPreset[]): void;
}

/** One-click presets, "Run all presets", and the config as a JSON file. */
export function PresetBar({ presetId, config, disabled, onPreset, onConfig, onRunAll }: PresetBarProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [loadError, setLoadError] = useState<string>();
  const descriptionId = useId();
  const active = presetId ? findPreset(presetId) : undefined;
  const sweep = sweepFor(presetId);

  const loadFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      onConfig(configFromJson(await file.text()));
      setLoadError(undefined);
    } catch (err) {
      setLoadError(`${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <section className="panel" aria-labelledby="presets-heading">
      <h2 id="presets-heading">Experiments</h2>
      <div className="buttons" role="group" aria-label="Presets" aria-describedby={descriptionId}>
        {PRESETS.map((preset) => (
          <button key={preset.id} type="button" aria-pressed={preset.id === presetId} disabled={disabled} title={preset.description} onClick={() => onPreset(preset.id)}>
            {preset.name}
          </button>
        ))}
      </div>
      <p id={descriptionId} className="help">
        {active ? active.description : 'Custom settings (changed from a preset).'}
      </p>
      <div className="buttons">
        <button type="button" disabled={disabled} onClick={() => onRunAll(sweep)} title={sweep.map((p) => p.name).join(' → ')}>
          Run all presets
        </button>
        <button type="button" onClick={() => downloadText('margin-lab-config.json', configToJson(config), 'application/json')}>
          Save config
        </button>
        <button type="button" disabled={disabled} onClick={() => fileInput.current?.click()}>
          Load config…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          hidden
          aria-label="Config file"
          onChange={(e) => {
            void loadFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </div>
      {loadError && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
    </section>
  );
}
