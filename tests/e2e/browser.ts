/** Browser tests use the same headless Chromium setup as `npm run bench`. */
import axe from 'axe-core';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchLabBrowser, type LabBrowser } from '../../src/cli/chromium.ts';

export { launchLabBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, type LabBrowser } from '../../src/cli/chromium.ts';

/**
 * A fresh browser for the enclosing describe block: launched before its tests, closed after them. The returned
 * handle reads the live browser, so it can be destructured inside tests.
 */
export function withLabBrowser({ backend = 'webgpu' }: { backend?: 'auto' | 'webgpu' } = {}): Pick<LabBrowser, 'page' | 'context' | 'consoleLines'> {
  let launched: LabBrowser | undefined;
  beforeAll(async () => {
    launched = await launchLabBrowser();
    // Browser tests exercise WebGPU (SwiftShader here), which auto mode would leave for the faster wasm: the lab's
    // "Train on" choice (localStorage, src/ui/worker/useLabWorker.ts) is forced once per tab, so a choice the page
    // makes later survives its reloads. about:blank has no storage.
    if (backend !== 'auto')
      await launched.context.addInitScript((choice) => {
        try {
          if (sessionStorage.getItem('margin-lab-test:backend-set')) return;
          localStorage.setItem('margin-lab:backend', choice);
          sessionStorage.setItem('margin-lab-test:backend-set', '1');
        } catch {
          // no storage on this page
        }
      }, backend);
  });
  afterAll(async () => {
    await launched?.close();
  });
  const current = () => {
    if (!launched) throw new Error('the browser is launched in beforeAll: use it inside a test');
    return launched;
  };
  return {
    get page() {
      return current().page;
    },
    get context() {
      return current().context;
    },
    get consoleLines() {
      return current().consoleLines;
    },
  };
}

/** The workspace's views, by the id their URL key and panel use. */
export type LabView = 'train' | 'compare' | 'teach' | 'verify' | 'data';

/** Shows a view through its tab in the top bar, and waits until its panel is on screen. */
export async function showView(page: Page, view: LabView): Promise<void> {
  const name = view[0].toUpperCase() + view.slice(1);
  await page.getByRole('tab', { name, exact: true }).click();
  await page.locator(`#view-${view}:not([hidden])`).waitFor();
}

/** Opens the Train view's settings panel (every config field's control is there), unless it is open. */
export async function openSettings(page: Page): Promise<void> {
  await showView(page, 'train');
  const toggle = page.getByRole('button', { name: 'Settings', exact: true });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByRole('region', { name: 'Settings', exact: true }).waitFor();
}

/** One accessibility problem axe-core found: its rule, impact and the elements it names. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * The serious and critical problems axe-core finds on what the page shows now (hidden views are left out, as a
 * screen reader leaves them). axe is put in the page through the test driver (Runtime.evaluate), which the page's
 * Content-Security-Policy does not govern, so the policy stays as users get it.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    type Results = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const { axe: api } = window as unknown as { axe: { run(context: Document, options: object): Promise<Results> } };
    const results = await api.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** "Save current model" in Verify's saved models, then the first row's "Export": the download it starts. */
export async function saveAndExportModel(page: Page): Promise<Download> {
  const models = page.locator('section.saved-models');
  await models.getByRole('button', { name: /^Save current model/ }).click();
  await models.locator('tbody tr').first().waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    models
      .getByRole('button', { name: /^Export / })
      .first()
      .click(),
  ]);
  return download;
}
