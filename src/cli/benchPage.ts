/**
 * Runs the bench page (src/ui/bench/bench.html) in headless Chromium against a fresh production build and
 * returns the JSON object it writes: the browser half of `npm run bench` (training on webgpu/webgl, decoding).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The page's result for `query`; throws with the page's console lines when the page reports an error. */
export async function runBenchPage(query: URLSearchParams): Promise<Record<string, unknown>> {
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
      const result = browser.page.locator('#result[data-done]');
      await result.waitFor({ timeout: 590_000 });
      const parsed = JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
      if ('error' in parsed) throw new Error(`${String(parsed.error)}\n${browser.consoleLines.join('\n')}`);
      return parsed;
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
