/** Freezing for the core's constant tables (defaults, presets, lessons, config fields). */

/**
 * `value` with it and every object reachable from it frozen, returned for use in a constant's initialiser. A frozen
 * default cannot be changed by a caller that merges over it by mistake: the write throws in strict mode.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
