/**
 * Runs the bench page (src/ui/bench/bench.html) in headless Chromium against a fresh production build: the
 * browser half of `npm run bench` (training on webgpu/webgl, decoding, the soak).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabBrowser } from './chromium.ts';

/**
 * Builds the app, serves it, opens the bench page with `query` and hands the browser to `use`; everything is
 * closed and removed when `use` settles.
 */
export async function withBenchPage<T>(query: URLSearchParams, use: (browser: LabBrowser) => Promise<T>): Promise<T> {
  const { build, preview } = await import('vite');
  const { launchLabBrowser } = await import('./chromium.ts');
  const outDir = await mkdtemp(join(tmpdir(), 'margin-lab-bench-'));
  const browser = await launchLabBrowser();
  try {
    await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const server = await preview({ logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    try {
      const base = server.resolvedUrls?.local[0];
      if (!base) throw new Error('vite preview did not report a local URL');
      await browser.page.goto(new URL(`src/ui/bench/bench.html?${query}`, base).toString());
      return await use(browser);
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The page's result for `query`; throws with the page's console lines when the page reports an error. */
export function runBenchPage(query: URLSearchParams): Promise<Record<string, unknown>> {
  return withBenchPage(query, async (browser) => {
    const result = browser.page.locator('#result[data-done]');
    await result.waitFor({ timeout: 590_000 });
    const parsed = JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
    if ('error' in parsed) throw new Error(`${String(parsed.error)}\n${browser.consoleLines.join('\n')}`);
    return parsed;
  });
}
