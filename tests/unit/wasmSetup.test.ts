/// <reference types="vite/client" />
/**
 * The wasm backend's thread count when the page names none: every core but the page's one, at least one (one thread
 * takes the single-threaded build). The module imports as Node tests load it (its thread scripts resolve through
 * vite.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { defaultWasmThreads } from '../../workers/wasmSetup.ts';

describe('defaultWasmThreads', () => {
  it('leaves the page one core and takes the rest', () => {
    expect([4, 8, 16].map(defaultWasmThreads)).toEqual([3, 7, 15]);
  });

  it('is one thread on two cores or fewer, or when the browser does not say', () => {
    expect([2, 1, 0, undefined].map(defaultWasmThreads)).toEqual([1, 1, 1, 1]);
    expect(defaultWasmThreads(3.7)).toBe(2);
  });
});
