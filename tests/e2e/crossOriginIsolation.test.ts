/**
 * The built (minified) app is cross-origin isolated, so tfjs' wasm backend can run its threaded SIMD build: COOP and
 * COEP come with the page and its workers; the lab worker's wasm reports its thread count (every core but the page's
 * by default, as many as asked, one on the single-threaded build) and trains on its threads. Before vite.config.ts
 * served the threads' scripts as files, the minified bundle's thread workers threw "e is not defined" and wasm's
 * start hung. On a static host that sends no headers, public/coi-serviceworker.js isolates the page instead.
 */
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BackendReport, BenchOptions, BenchResult, InitOptions } from '../../src/protocol/api.ts';
import { withLabBrowser } from './browser.ts';

/** The lab worker script of the build, as the page loads it. */
const LAB_WORKER = /\/assets\/lab\.worker-[\w-]+\.js$/;
/** What a wasm thread loads: its own script, then the Emscripten glue (TFJS_THREAD_SCRIPTS in vite.config.ts). */
const THREAD_WORKER = /\/assets\/tfjs-backend-wasm-threaded-simd\.worker-[\w-]+\.js$/;
const THREAD_GLUE = /\/assets\/tfjs-backend-wasm-threaded-simd-[\w-]+\.js$/;
/** tfjs' prebuilt thread pool: it never runs more threads. */
const MAX_WASM_THREADS = 8;

/** A tiny training run on wasm, as the bench page asks for one (src/ui/bench/bench.ts). */
const MICRO_BENCH: BenchOptions = { backend: 'wasm', backbone: 'tiny', steps: 3, batchSize: 8, inputSize: 32, data: 'builtin', width: 4 };

/** Lab worker calls, in order, in one fresh worker: init, then optionally a bench. */
type Calls = [['init', InitOptions]] | [['init', InitOptions], ['bench', BenchOptions]];

/**
 * Starts a lab worker of the build from the page and makes `calls` the way comlink does (one APPLY message each, a
 * RAW answer): what the app's bridge would get. Fails after `timeoutMs`: a thread that cannot start hangs wasm.
 */
function labWorkerCalls(page: Page, url: string, calls: Calls, timeoutMs = 120_000): Promise<unknown[]> {
  return page.evaluate(
    ({ url, calls, timeoutMs }) => {
      const worker = new Worker(url, { type: 'module', name: 'margin-lab' });
      const call = (id: number, [method, argument]: [string, unknown]) =>
        new Promise<unknown>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${method}(${JSON.stringify(argument)}) did not answer in ${timeoutMs} ms`)), timeoutMs);
          worker.addEventListener('error', (e) => reject(new Error(`the lab worker failed: ${e.message}`)));
          worker.addEventListener('message', (e: MessageEvent<{ id?: string; type?: string; value?: unknown }>) => {
            if (e.data.id !== String(id)) return;
            clearTimeout(timer);
            if (e.data.type === 'RAW') resolve(e.data.value);
            else reject(new Error(`${method} threw: ${JSON.stringify(e.data.value)}`));
          });
          worker.postMessage({ id: String(id), type: 'APPLY', path: [method], argumentList: [{ type: 'RAW', value: argument }] });
        });
      return calls
        .reduce<Promise<unknown[]>>((done, next, i) => done.then(async (results) => [...results, await call(i, next)]), Promise.resolve([]))
        .finally(() => worker.terminate());
    },
    { url, calls, timeoutMs },
  );
}

/** init alone in a fresh lab worker: its backend report. */
async function initLabWorker(page: Page, url: string, options: InitOptions): Promise<BackendReport> {
  const [report] = await labWorkerCalls(page, url, [['init', options]]);
  return report as BackendReport;
}

describe('the built app, cross-origin isolated, on threaded wasm', () => {
  const browser = withLabBrowser();
  /** Every request of the context (page and workers, threads included) and every worker the page started. */
  const requests: string[] = [];
  const workers: string[] = [];
  const threadWorkers = () => workers.filter((url) => THREAD_WORKER.test(url)).length;
  let labWorkerUrl = '';
  let cores = 1;

  /** The lab page's response headers, and its lab worker (a Playwright handle). */
  let headers: Record<string, string> = {};
  let labWorker: Worker | undefined;

  beforeAll(async () => {
    const { page, context } = browser;
    context.on('request', (request) => requests.push(request.url()));
    page.on('worker', (worker) => {
      workers.push(worker.url());
      worker.on('console', (msg) => browser.consoleLines.push(`[worker ${msg.type()}] ${msg.text()}`));
    });
    const started = page.waitForEvent('worker', { predicate: (w) => LAB_WORKER.test(w.url()), timeout: 60_000 });
    headers = (await (await page.goto(inject('baseUrl')))?.allHeaders()) ?? {};
    cores = await page.evaluate(() => navigator.hardwareConcurrency);
    labWorker = await started;
    labWorkerUrl = labWorker.url();
  });

  it('serves COOP and COEP with the page and its worker, and both are cross-origin isolated', async () => {
    const { page } = browser;
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => ({ isolated: crossOriginIsolated, shared: typeof SharedArrayBuffer }))).toEqual({ isolated: true, shared: 'function' });
    expect(await labWorker?.evaluate(() => self.crossOriginIsolated)).toBe(true);
    // A nested worker of an isolated owner must carry COEP itself, or Chromium refuses to start it.
    const workerHeaders = (await page.request.get(labWorkerUrl)).headers();
    expect(workerHeaders['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it("reports the threads wasm computes on: all but the page's core by default, as many as asked, or one", async () => {
    const { page } = browser;
    expect(labWorkerUrl).toMatch(LAB_WORKER);
    const byDefault = await initLabWorker(page, labWorkerUrl, { preferred: ['wasm'] });
    expect(byDefault.backend, browser.consoleLines.join('\n')).toBe('wasm');
    // workers/wasmSetup.ts' defaultWasmThreads: every core but one, which the page keeps.
    expect(byDefault.wasmThreads).toBe(Math.min(MAX_WASM_THREADS, Math.max(1, cores - 1)));

    // Every core (this needs a machine of two or more, as the project's are): tfjs' own cap would give half.
    expect(cores).toBeGreaterThan(1);
    const before = threadWorkers();
    const everyCore = await initLabWorker(page, labWorkerUrl, { preferred: ['wasm'], wasmThreads: cores });
    expect(everyCore.wasmThreads).toBe(Math.min(MAX_WASM_THREADS, cores));
    // Its threads loaded the app's own scripts (no blob:, which the CSP refuses).
    expect(threadWorkers()).toBeGreaterThan(before);
    expect(requests.filter((url) => THREAD_GLUE.test(url)).length).toBeGreaterThan(0);

    const afterThreaded = threadWorkers();
    const single = await initLabWorker(page, labWorkerUrl, { preferred: ['wasm'], wasmThreads: 1 });
    expect(single.backend).toBe('wasm');
    expect(single.wasmThreads).toBe(1);
    expect(threadWorkers()).toBe(afterThreaded);
  });

  it("trains a run on every core's thread to the end, with no error in the page or its workers", async () => {
    const { page } = browser;
    const before = threadWorkers();
    const [report, bench] = (await labWorkerCalls(page, labWorkerUrl, [
      ['init', { preferred: ['wasm'], wasmThreads: cores }],
      ['bench', MICRO_BENCH],
    ])) as [BackendReport, BenchResult];
    const log = browser.consoleLines.join('\n');
    expect(report.wasmThreads, log).toBe(Math.min(MAX_WASM_THREADS, cores));
    expect(threadWorkers()).toBeGreaterThan(before);
    expect(bench.backend).toBe('wasm');
    expect(bench.losses).toHaveLength(MICRO_BENCH.steps);
    expect(bench.losses.every(Number.isFinite), String(bench.losses)).toBe(true);
    expect(log).not.toMatch(/ReferenceError|Refused to|Content Security Policy/);
  });
});

/** What vite.config.ts adds to every response, and a static host does not. */
const SERVER_HEADERS = ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'content-security-policy'];

/** A static host in front of the preview server: the same files, none of SERVER_HEADERS. */
async function staticHost(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const upstream = forward(new URL(req.url ?? '/', target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !SERVER_HEADERS.includes(name)));
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('on a static host without headers, the service worker isolates the page', () => {
  const browser = withLabBrowser();
  let host: Awaited<ReturnType<typeof staticHost>>;
  beforeAll(async () => {
    host = await staticHost(inject('baseUrl'));
  });
  afterAll(() => host?.close());

  it('reloads once under public/coi-serviceworker.js, and wasm then runs a thread per core', async () => {
    const { page } = browser;
    const response = await page.goto(host.url);
    const headers = (await response?.allHeaders()) ?? {};
    expect(SERVER_HEADERS.filter((name) => name in headers)).toEqual([]);
    // The first load registers the worker and reloads under it: isolated from then on (a reload in between destroys
    // the page's context, read as "not yet").
    const isolated = () => page.evaluate(() => crossOriginIsolated && navigator.serviceWorker.controller !== null).catch(() => false);
    await expect.poll(isolated, { timeout: 60_000 }).toBe(true);
    // Its script ran on the isolated page too (a context exists before the page's scripts run: wait for them).
    await page.waitForLoadState('load');
    expect(await page.evaluate(() => sessionStorage.getItem('margin-lab:coi-reloaded'))).toBeNull();

    await expect.poll(() => page.workers().find((w) => LAB_WORKER.test(w.url())), { timeout: 60_000 }).toBeDefined();
    const labWorker = page.workers().find((w) => LAB_WORKER.test(w.url()))!;
    expect(await labWorker.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const report = await initLabWorker(page, labWorker.url(), { preferred: ['wasm'], wasmThreads: cores });
    expect(report.backend, browser.consoleLines.join('\n')).toBe('wasm');
    expect(report.wasmThreads).toBe(Math.min(MAX_WASM_THREADS, cores));
  });
});
