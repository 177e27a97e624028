/**
 * Config files ("Save config" / "Load config…"): the JSON wrapper around a TrainConfig, and its reading, which
 * reports every setting the form would refuse under the label users see (the field table of src/core/configFields.ts)
 * before the engine's own rules.
 */
import { CONFIG_FIELDS, CONFIG_FORMAT_VERSION, CONFIG_JSON_FORMAT, fieldRangeError, type ConfigField } from './configCodec.ts';
import { parseTrainConfig, type TrainConfig } from './trainConfig.ts';

/** A config file: pretty JSON `{ "format": "margin-lab-config", "version": 1, "config": {…} }` and a final newline. */
export function configToJson(config: TrainConfig): string {
  return `${JSON.stringify({ format: CONFIG_JSON_FORMAT, version: CONFIG_FORMAT_VERSION, config }, null, 2)}\n`;
}

/** Why `value` cannot be `field`'s value (type, whole number, option, range), in the form's words; or undefined. */
function valueError(field: ConfigField, value: unknown): string | undefined {
  const shown = JSON.stringify(value);
  switch (field.type) {
    case 'number':
    case 'int':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${field.label} must be a number (got ${shown})`;
      if (field.type === 'int' && !Number.isInteger(value)) return `${field.label} must be a whole number (got ${shown})`;
      return fieldRangeError(field, value)?.concat(` (got ${shown})`);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${field.label} must be true or false (got ${shown})`;
    case 'enum':
      return field.values!.includes(value as string) ? undefined : `${field.label} must be one of ${field.values!.join(', ')} (got ${shown})`;
    case 'intList':
      return Array.isArray(value) && value.every((v) => Number.isInteger(v)) ? undefined : `${field.label} must be a list of whole numbers (got ${shown})`;
  }
}

/**
 * Every setting of a config file that the form would refuse, each under the label users see (not the engine's
 * internal name), so one look at the message fixes the whole file. Unknown keys and rules across fields stay the
 * engine's (parseTrainConfig), checked after these.
 */
function fileFieldErrors(raw: unknown): string[] {
  const errors: string[] = [];
  for (const field of CONFIG_FIELDS) {
    let node: unknown = raw;
    for (const part of field.path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    if (node === undefined) continue;
    const error = valueError(field, node);
    if (error !== undefined) errors.push(error);
  }
  return errors;
}

/**
 * Reads a config file written by configToJson. The config may be partial (merged over the defaults by
 * parseTrainConfig). Throws an Error saying what is wrong: not JSON, another format or version, unknown keys,
 * invalid values (every bad field at once, by its label).
 */
export function configFromJson(text: string): TrainConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`config file is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`config file must be a JSON object with "format": "${CONFIG_JSON_FORMAT}"`);
  }
  const file = data as Record<string, unknown>;
  if (file.format !== CONFIG_JSON_FORMAT) {
    throw new Error(`not a Margin Lab config file: "format" is ${JSON.stringify(file.format) ?? 'missing'}, expected "${CONFIG_JSON_FORMAT}"`);
  }
  if (file.version !== CONFIG_FORMAT_VERSION) {
    throw new Error(`config file version ${JSON.stringify(file.version) ?? 'missing'} is not supported (this lab reads version ${CONFIG_FORMAT_VERSION})`);
  }
  for (const key of Object.keys(file)) {
    if (!['format', 'version', 'config'].includes(key)) throw new Error(`unknown key '${key}' in config file (allowed: format, version, config)`);
  }
  if (!('config' in file)) throw new Error('config file has no "config" object');
  const fieldProblems = fileFieldErrors(file.config);
  if (fieldProblems.length > 0) throw new Error(`config file: ${fieldProblems.join('; ')}`);
  try {
    return parseTrainConfig(file.config);
  } catch (err) {
    throw new Error(`config file: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
