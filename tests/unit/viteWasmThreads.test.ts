/**
 * vite.config.ts' part in tfjs' threaded wasm: the page is served cross-origin isolated (dev and preview), tfjs
 * 4.22 is patched to take its thread scripts from setWasmPaths' map and to let the pool have the threads the lab
 * asks, and those scripts are what a thread can run: the published glue verbatim, and tfjs' thread worker as a file.
 * On static hosts the service worker adds the same headers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import config, { ISOLATION_HEADERS, TFJS_THREAD_SCRIPTS, patchTfjsWasm } from '../../vite.config.ts';

const require = createRequire(import.meta.url);
const wasmFile = (path: string) => require.resolve(`@tensorflow/tfjs-backend-wasm/${path}`);
const BACKEND = wasmFile('dist/backend_wasm.js');
const GLUE = wasmFile('wasm-out/tfjs-backend-wasm-threaded-simd.js');

describe('cross-origin isolation headers', () => {
  it('come with every response of the dev server and of preview', () => {
    expect(ISOLATION_HEADERS).toEqual({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    for (const headers of [config.server?.headers, config.preview?.headers]) expect(headers).toMatchObject(ISOLATION_HEADERS);
  });
});

describe('public/coi-serviceworker.js (static hosts)', () => {
  const source = readFileSync(new URL('../../public/coi-serviceworker.js', import.meta.url), 'utf8');

  it('adds the same isolation headers as the dev server and preview send', () => {
    const literal = /const ISOLATION_HEADERS = (\{[^}]*\});/.exec(source)?.[1] ?? '';
    expect(new Function(`return ${literal};`)()).toEqual(ISOLATION_HEADERS);
  });

  it('parses as the classic script the page loads first', () => {
    expect(() => new Script(source)).not.toThrow();
    const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
    expect(html).toMatch(/<script src="\/coi-serviceworker\.js"><\/script>/);
    expect(html.indexOf('coi-serviceworker.js')).toBeLessThan(html.indexOf('type="module"'));
  });
});

describe('patchTfjsWasm', () => {
  it("makes tfjs' backend take both thread scripts from the setWasmPaths map, its blobs only the fallback", () => {
    const patched = patchTfjsWasm(readFileSync(BACKEND, 'utf8'), BACKEND)!;
    expect(patched).toContain("if (path.endsWith('.worker.js') && wasmFileMap[path] != null) return wasmFileMap[path];");
    expect(patched).toContain("factoryConfig.mainScriptUrlOrBlob = wasmFileMap['tfjs-backend-wasm-threaded-simd.js'] ?? new Blob(");
    // Still a module that parses, with tfjs' own blob path kept.
    expect(patched).toContain('wasmFactoryThreadedSimd.toString()');
    expect(() => new Function(patched.replace(/^import .*$/gm, '').replace(/^export /gm, ''))).not.toThrow();
  });

  it("lifts the glue's halving of the logical cores, so the thread count asked is the one used", () => {
    const source = readFileSync(GLUE, 'utf8');
    const patched = patchTfjsWasm(source, GLUE)!;
    expect(patched).toContain('return 2 * navigator["hardwareConcurrency"]}');
    expect(patched.length - source.length).toBe('2 * '.length);
  });

  it('leaves every other module alone, and fails loudly when tfjs no longer has a pattern', () => {
    expect(patchTfjsWasm('export const x = 1;', '/app/src/ml/model.ts')).toBeNull();
    expect(patchTfjsWasm(readFileSync(wasmFile('dist/index.js'), 'utf8'), wasmFile('dist/index.js'))).toBeNull();
    expect(() => patchTfjsWasm('const mainScriptUrlOrBlob = 1;', BACKEND)).toThrow(/tfjs-backend-wasm changed/);
    expect(() => patchTfjsWasm('function f(){return 1}', GLUE)).toThrow(/tfjs-backend-wasm changed/);
  });
});

describe('the thread scripts served as files', () => {
  const glue = TFJS_THREAD_SCRIPTS['margin-lab:tfjs-wasm-thread-glue'];
  const worker = TFJS_THREAD_SCRIPTS['margin-lab:tfjs-wasm-thread-worker'];

  it('serve the published glue verbatim: a classic script that defines WasmBackendModuleThreadedSimd itself', () => {
    expect(glue.source()).toBe(readFileSync(GLUE, 'utf8'));
    const scope: Record<string, unknown> = {};
    new Script(glue.source()).runInNewContext(scope);
    expect(typeof scope.WasmBackendModuleThreadedSimd).toBe('function');
  });

  it("serve tfjs' thread worker as a classic script that loads the glue it is sent", () => {
    const source = worker.source();
    expect(() => new Script(source)).not.toThrow();
    expect(source).toMatch(/^"use strict";var Module=\{\};/);
    expect(source).toContain('importScripts(e.data.urlOrBlob)');
    expect(source).toContain('WasmBackendModuleThreadedSimd(Module)');
  });

  it('are named as tfjs looks them up', () => {
    expect([glue.file, worker.file]).toEqual(['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js']);
  });
});
