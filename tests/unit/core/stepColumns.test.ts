/** The one table of step columns: frozen, unique names, the derived lists, and train.py's copy kept equal to it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICE_STEP_COLUMNS, isDeviceStepColumn, mapStepColumns, STEP_COLUMN_TABLE, STEP_COLUMNS } from '../../../src/core/stepColumns.ts';

describe('step column table', () => {
  it('is frozen, rows included', () => {
    expect(Object.isFrozen(STEP_COLUMN_TABLE)).toBe(true);
    for (const row of STEP_COLUMN_TABLE) expect(Object.isFrozen(row)).toBe(true);
    expect(Object.isFrozen(STEP_COLUMNS)).toBe(true);
    expect(Object.isFrozen(DEVICE_STEP_COLUMNS)).toBe(true);
  });

  it('names each column once, with a meaning, and starts with the step number', () => {
    expect(new Set(STEP_COLUMNS).size).toBe(STEP_COLUMN_TABLE.length);
    expect(STEP_COLUMNS[0]).toBe('step');
    for (const row of STEP_COLUMN_TABLE) expect(row.doc.length, row.name).toBeGreaterThan(10);
  });

  it('derives the column list, the device columns and per-column objects in table order', () => {
    expect(STEP_COLUMNS).toEqual(STEP_COLUMN_TABLE.map((row) => row.name));
    expect(DEVICE_STEP_COLUMNS).toEqual(STEP_COLUMN_TABLE.filter((row) => row.source === 'device').map((row) => row.name));
    expect(STEP_COLUMNS.filter(isDeviceStepColumn)).toEqual(DEVICE_STEP_COLUMNS);
    const calls: string[] = [];
    const indexed = mapStepColumns((name) => (calls.push(name), calls.length - 1));
    expect(calls).toEqual(STEP_COLUMNS);
    expect(Object.keys(indexed)).toEqual(STEP_COLUMNS);
    expect(Object.values(indexed)).toEqual(STEP_COLUMNS.map((_, i) => i));
  });

  it("matches train.py's STEP_COLUMNS (engine.py), which writes the same JSON-line keys in the same order", () => {
    const engine = readFileSync(new URL('../../../src/cli/torch/labtorch/engine.py', import.meta.url), 'utf8');
    const tuple = /^STEP_COLUMNS = \(([^)]*)\)/m.exec(engine);
    expect(tuple, 'STEP_COLUMNS tuple in engine.py').not.toBeNull();
    expect([...tuple![1].matchAll(/'([^']+)'/g)].map((m) => m[1])).toEqual(STEP_COLUMNS);
  });
});
