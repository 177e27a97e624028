/** The one test for "a parsed JSON object" that the checkers of stored records, configs and data settings share. */

/** Whether `value` is a plain object (not null, not an array): what JSON.parse gives for `{…}`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
