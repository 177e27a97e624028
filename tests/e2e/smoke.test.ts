import { describe, expect, inject, it } from 'vitest';
import { withLabBrowser } from './browser.ts';

describe('built app in headless Chromium', () => {
  const browser = withLabBrowser();

  it('starts a module worker that runs tfjs on the webgpu backend and reports the adapter', async () => {
    const { page, consoleLines } = browser;
    await page.goto(inject('baseUrl'));
    await expect(page.getByRole('heading', { name: 'Margin Lab' }).isVisible()).resolves.toBe(true);
    const status = page.getByRole('status', { name: 'Backend' });
    // WebGPU must really be there: a fallback to another backend fails this test, it is not skipped.
    await status.and(page.locator('[data-backend]')).waitFor({ timeout: 120_000 });
    const backend = await status.getAttribute('data-backend');
    expect(backend, `console:\n${consoleLines.join('\n')}\nstatus: ${await status.textContent()}`).toBe('webgpu');
    const text = await status.textContent();
    // The adapter names itself (headless Chromium: "google swiftshader"; a real GPU: its vendor).
    expect(text).toMatch(/^Backend: WebGPU on [a-z0-9]/i);
    expect(text).not.toContain('unnamed adapter');
  });
});
