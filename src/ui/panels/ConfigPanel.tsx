/**
 * "Model and loss": every training setting as a labelled control with a one-line explanation, generated
 * from the config field table (src/core/configFields.ts) — the same table that drives the URL hash and JSON.
 */
import { useId, useState } from 'react';
import { CONFIG_FIELDS, fieldRangeError, readFieldValue, withFieldValue, type ConfigField, type ConfigFieldGroup, type ConfigFieldValue } from '../../core/configCodec.ts';
import { defaultLossConfig, isLossKind } from '../../core/lossConfig.ts';
import type { TrainConfig } from '../../protocol/api.ts';

const GROUP_TITLES: Record<ConfigFieldGroup, string> = {
  model: 'Model',
  loss: 'Loss',
  optimizer: 'Optimiser',
  training: 'Training',
  evaluation: 'Evaluation',
};

/** Whether a field matters for the config as it is (e.g. the margin only for margin losses). */
export function fieldApplies(config: TrainConfig, field: ConfigField): boolean {
  if (!field.appliesWhen) return true;
  const controlling = CONFIG_FIELDS.find((f) => f.path === field.appliesWhen!.path);
  return !!controlling && field.appliesWhen.values.includes(String(readFieldValue(config, controlling)));
}

/**
 * Where the margin slider starts when ArcFace is chosen: the report's first margin, 30°, rather than the
 * paper's 0.5 rad (28.65°), which a slider with 1° steps cannot show.
 */
const ARCFACE_START_DEG = 30;

/**
 * `config` with `field` set. A new loss kind starts from that kind's defaults (keeping s), so a margin never
 * lingers on a loss that has none.
 */
export function applyField(config: TrainConfig, field: ConfigField, value: ConfigFieldValue): TrainConfig {
  if (field.path === 'loss.kind' && typeof value === 'string' && isLossKind(value)) {
    const start = value === 'arcface' ? { marginDeg: ARCFACE_START_DEG } : {};
    return { ...config, loss: { ...defaultLossConfig(value), ...start, scale: config.loss.scale } };
  }
  return withFieldValue(config, field, value);
}

/** Text of a value in a text/number input. */
const textOf = (value: ConfigFieldValue): string => {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  // At most 6 significant digits: derived defaults such as 0.3 rad in degrees stay readable.
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value);
};

/** Parses what the user typed; an Error names what is wrong. */
export function parseFieldText(field: ConfigField, text: string): ConfigFieldValue | Error {
  const trimmed = text.trim();
  if (trimmed === '') return field.optional ? undefined : new Error(`${field.label} is required`);
  if (field.type === 'intList') {
    const items = trimmed
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    return items.every(Number.isInteger) ? items : new Error(`${field.label}: whole numbers separated by commas`);
  }
  const n = Number(trimmed);
  if (!Number.isFinite(n)) return new Error(`${field.label} must be a number`);
  if (field.type === 'int' && !Number.isInteger(n)) return new Error(`${field.label} must be a whole number`);
  const range = fieldRangeError(field, n);
  return range === undefined ? n : new Error(range);
}

interface FieldProps {
  field: ConfigField;
  config: TrainConfig;
  disabled: boolean;
  onChange(config: TrainConfig): void;
}

function FieldControl({ field, config, disabled, onChange }: FieldProps) {
  const id = useId();
  const value = readFieldValue(config, field);
  // Typed text stays as typed until it parses ("0." on the way to "0.05"); the config changes only on valid input.
  const [draft, setDraft] = useState<{ text: string; error?: string; for: ConfigFieldValue }>();
  const shownText = draft && draft.for === value ? draft.text : textOf(value);
  const commitText = (text: string) => {
    const parsed = parseFieldText(field, text);
    if (parsed instanceof Error) {
      setDraft({ text, error: parsed.message, for: value });
      return;
    }
    setDraft({ text, for: parsed });
    onChange(applyField(config, field, parsed));
  };
  const helpId = `${id}-help`;
  const error = draft && draft.for === value ? draft.error : undefined;

  let control;
  if (field.type === 'boolean') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={(value ?? field.absentMeans) === true}
        disabled={disabled}
        aria-describedby={helpId}
        onChange={(e) => onChange(applyField(config, field, e.target.checked))}
      />
    );
  } else if (field.type === 'enum') {
    control = (
      <select id={id} value={String(value)} disabled={disabled} aria-describedby={helpId} onChange={(e) => onChange(applyField(config, field, e.target.value))}>
        {field.values!.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = field.type !== 'intList';
    control = (
      <span className="field-inputs">
        {field.path === 'loss.marginDeg' && (
          <input
            type="range"
            aria-label={`${field.label} slider`}
            min={field.min}
            max={field.max}
            step={field.step}
            value={typeof value === 'number' ? value : 0}
            disabled={disabled}
            onChange={(e) => commitText(e.target.value)}
          />
        )}
        <input
          id={id}
          type={numeric ? 'number' : 'text'}
          inputMode={numeric ? 'decimal' : 'text'}
          min={field.min}
          max={field.max}
          step={field.step === undefined ? 'any' : field.step}
          value={shownText}
          placeholder={field.optional ? 'default' : undefined}
          disabled={disabled}
          aria-describedby={helpId}
          aria-invalid={error ? true : undefined}
          onChange={(e) => commitText(e.target.value)}
        />
      </span>
    );
  }
  return (
    <div className="field" data-path={field.path}>
      <label htmlFor={id}>{field.label}</label>
      {control}
      <small id={helpId} className={error ? 'error' : 'help'}>
        {error ?? field.help}
      </small>
    </div>
  );
}

/** Props of the config panel. */
export interface ConfigPanelProps {
  config: TrainConfig;
  onChange(config: TrainConfig): void;
  /** Controls are locked while a run trains. */
  disabled: boolean;
  /** Why the current config cannot train, if it cannot (the engine's validation message). */
  problem?: string;
}

/** Grouped controls for the whole training config. */
export function ConfigPanel({ config, onChange, disabled, problem }: ConfigPanelProps) {
  const groups = Object.keys(GROUP_TITLES) as ConfigFieldGroup[];
  return (
    <section className="panel config-panel" aria-labelledby="config-heading">
      <h2 id="config-heading">Model and loss</h2>
      {groups.map((group) => (
        <details key={group} open={group === 'model' || group === 'loss'}>
          <summary>{GROUP_TITLES[group]}</summary>
          {CONFIG_FIELDS.filter((f) => f.group === group && fieldApplies(config, f)).map((field) => (
            <FieldControl key={field.path} field={field} config={config} disabled={disabled} onChange={onChange} />
          ))}
        </details>
      ))}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
