import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchLabBrowser, type LabBrowser } from './browser.ts';

describe('bench page, decode mode (npm run bench -- --decode)', () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await launchLabBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('decodes synthetic JPEGs through the folder decoder in the worker and reports the throughput', async () => {
    const { page, consoleLines } = browser;
    await page.goto(new URL('src/ui/bench/bench.html?mode=decode&images=24&source=120', inject('baseUrl')).toString());
    const result = page.locator('#result[data-done]');
    await result.waitFor({ timeout: 120_000 });
    const parsed = JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
    expect(parsed.error, consoleLines.join('\n')).toBeUndefined();
    expect(parsed).toMatchObject({ bench: 'decode', images: 24, failures: 0, sourceSize: 120, concurrency: 4 });
    expect(parsed.imagesPerSec).toBeGreaterThan(0);
    expect(parsed.imagesPerSec).toBeCloseTo(24 / (parsed.seconds as number), 6);
  });
});
