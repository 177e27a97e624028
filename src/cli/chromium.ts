/**
 * Headless Chromium for browser tests and benchmarks: Debian's /usr/bin/chromium driven by playwright-core (never a downloaded
 * browser). `--enable-unsafe-webgpu` gives a SwiftShader WebGPU adapter headless; the networking flags stop
 * Chromium from calling outside hosts (without them it keeps retrying hosts a sandboxed machine refuses).
 */
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

/** A browser with a fresh profile, a page, and the console lines it printed (for failure messages). */
export interface LabBrowser {
  context: BrowserContext;
  page: Page;
  consoleLines: string[];
  close(): Promise<void>;
}

/** Launch headless Chromium with a fresh profile; `close()` removes the profile too. */
export async function launchLabBrowser(): Promise<LabBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'margin-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  const record = (msg: ConsoleMessage) => consoleLines.push(`[${msg.type()}] ${msg.text()}`);
  page.on('console', record);
  page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.message}`));
  return {
    context,
    page,
    consoleLines,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
