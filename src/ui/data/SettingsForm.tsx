import { useId } from 'react';
import type { DataSettings } from './settings.ts';
import { AlignControls } from './AlignControls.tsx';

type NumberKey = { [K in keyof DataSettings]-?: DataSettings[K] extends number | undefined ? K : never }[keyof DataSettings];

/** A labelled whole-number field; `optional` fields may be left blank (undefined = "all"). */
function NumberField({
  settings,
  name,
  label,
  min,
  max,
  optional = false,
  onChange,
}: {
  settings: DataSettings;
  name: NumberKey;
  label: string;
  min: number;
  max?: number;
  optional?: boolean;
  onChange: (next: DataSettings) => void;
}) {
  const id = useId();
  const value = settings[name];
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>{' '}
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        placeholder={optional ? 'all' : undefined}
        value={value ?? ''}
        onChange={(event) => {
          const text = event.currentTarget.value;
          if (text === '' && optional) return onChange({ ...settings, [name]: undefined });
          const n = Math.round(Number(text));
          if (text !== '' && Number.isFinite(n) && n >= min && (max === undefined || n <= max)) onChange({ ...settings, [name]: n });
        }}
      />
    </span>
  );
}

/** Sampling, test-pair and decoding settings; they apply when a folder is (re)loaded. */
export function SettingsForm({ settings, onChange, disabled = false }: { settings: DataSettings; onChange: (next: DataSettings) => void; disabled?: boolean }) {
  const field = { settings, onChange };
  return (
    <fieldset className="data-settings" disabled={disabled}>
      <legend>Sampling and decoding</legend>
      <NumberField {...field} name="seed" label="Seed" min={0} max={2 ** 32 - 1} />
      <NumberField {...field} name="identities" label="Identities to train on" min={1} optional />
      <NumberField {...field} name="minImages" label="Min images per identity" min={1} />
      <NumberField {...field} name="maxImages" label="Max images per identity" min={1} optional />
      <NumberField {...field} name="validationPercent" label="Validation %" min={0} max={99} />
      <NumberField {...field} name="testPairs" label="Test pairs (without pairs.txt)" min={2} />
      <NumberField {...field} name="memoryBudgetMiB" label="Pixel memory budget (MiB)" min={0} />
      <NumberField {...field} name="imageSize" label="Image size (px)" min={16} max={512} />
      <label className="check-field">
        <input type="checkbox" checked={settings.centreCrop} onChange={(e) => onChange({ ...settings, centreCrop: e.currentTarget.checked })} /> Centre crop to a square
      </label>
      <AlignControls settings={settings} onChange={onChange} />
    </fieldset>
  );
}
