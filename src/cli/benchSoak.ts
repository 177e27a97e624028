/**
 * `npm run bench -- --soak MINUTES [--backend webgpu|webgl|wasm] [--every SECONDS]`: trains a micro model in headless
 * Chromium (the bench page's soak mode, src/ui/bench/soakBench.ts) for MINUTES and prints one JSON line per sample
 * (every 60 s by default): steps done, median step time, tfjs tensors and bytes in the worker, and the worker's JS
 * heap (read through the DevTools protocol: a worker has no performance.memory). A last line fits a straight line
 * to each series from the second sample on (the first holds start-up) and says whether its slope is within noise
 * (src/core/trend.ts): a leak shows as a slope well outside it.
 */
import type { CDPSession } from 'playwright-core';
import { isFlat, linearTrend } from '../core/trend.ts';
import { intOption, parseOptions, UsageError } from './args.ts';
import { withBenchPage } from './benchPage.ts';
import type { LabBrowser } from './chromium.ts';
import type { SoakSample } from '../protocol/api.ts';

const BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;

/** One sample line. */
interface SoakLine extends SoakSample {
  minute: number;
  jsHeapBytes: number;
}

/** Reads the lab worker's JS heap through a DevTools session attached to the worker's target. */
async function workerHeapReader(browser: LabBrowser): Promise<() => Promise<number>> {
  const owner = browser.context.browser();
  if (!owner) throw new Error('no browser handle for a DevTools session');
  const cdp: CDPSession = await owner.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; title: string }[] };
  const worker = targetInfos.find((t) => t.type === 'worker');
  if (!worker) throw new Error('the lab worker is not running');
  // Flat sessions cannot be addressed through playwright's CDPSession; the nested protocol still can.
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })) as { sessionId: string };
  let id = 0;
  return () =>
    new Promise<number>((resolve, reject) => {
      const mine = ++id;
      const onMessage = (event: { message: string }) => {
        const reply = JSON.parse(event.message) as { id?: number; result?: { usedSize: number }; error?: { message: string } };
        if (reply.id !== mine) return;
        cdp.off('Target.receivedMessageFromTarget', onMessage);
        if (reply.result) resolve(reply.result.usedSize);
        else reject(new Error(reply.error?.message ?? 'no heap usage'));
      };
      cdp.on('Target.receivedMessageFromTarget', onMessage);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mine, method: 'Runtime.getHeapUsage' }) });
    });
}

/** The summary line: per series, the fitted slope per minute, its standard error and whether it is flat. */
export function soakSummary(lines: readonly SoakLine[], backend: string): Record<string, unknown> {
  const fitted = lines.slice(1).filter((l) => Number.isFinite(l.stepMs));
  const slopes: Record<string, { perMinute: number; stdErr: number; flat: boolean }> = {};
  if (fitted.length >= 3) {
    const minutes = fitted.map((l) => l.minute);
    for (const key of ['numTensors', 'numBytes', 'jsHeapBytes', 'stepMs'] as const) {
      const trend = linearTrend(
        minutes,
        fitted.map((l) => l[key]),
      );
      const round = (x: number) => Number(x.toPrecision(4));
      slopes[key] = { perMinute: round(trend.slope), stdErr: round(trend.slopeStdErr), flat: isFlat(trend) };
    }
  }
  const last = lines.at(-1);
  return { soak: 'summary', backend, minutes: last?.minute ?? 0, steps: last?.step ?? 0, samples: lines.length, fittedSamples: fitted.length, slopes };
}

/** Entry called by src/cli/bench.ts. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    soak: { type: 'string' },
    backend: { type: 'string', default: 'webgpu' },
    every: { type: 'string', default: '60' },
    json: { type: 'boolean', default: true },
  });
  const minutes = intOption(values.soak, 'soak', 1, 24 * 60);
  const every = intOption(values.every, 'every', 5, 3600);
  const backend = values.backend as (typeof BACKENDS)[number];
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} for a soak, got '${values.backend}'`);
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  return withBenchPage(new URLSearchParams({ mode: 'soak', backend }), async (browser) => {
    const { page } = browser;
    await page.waitForFunction(() => 'soak' in window || document.querySelector('#result[data-done]') !== null, undefined, { timeout: 300_000 });
    const early = await page.locator('#result[data-done]').count();
    if (early) {
      print({ soak: 'failed', backend, error: await page.locator('#result').textContent(), console: browser.consoleLines.slice(-20) });
      return 1;
    }
    const heap = await workerHeapReader(browser);
    const lines: SoakLine[] = [];
    const started = Date.now();
    for (let t = every; t <= minutes * 60; t += every) {
      await page.waitForTimeout(Math.max(0, started + t * 1000 - Date.now()));
      const sample = await page.evaluate(() => (window as unknown as { soak: { sample(): Promise<SoakSample> } }).soak.sample());
      const line: SoakLine = { minute: Math.round((t / 60) * 100) / 100, ...sample, stepMs: Math.round(sample.stepMs * 10) / 10, jsHeapBytes: await heap() };
      lines.push(line);
      print(line);
    }
    await page.evaluate(() => (window as unknown as { soak: { stop(): void } }).soak.stop());
    print(soakSummary(lines, backend));
    return 0;
  });
}
