/** Browser tests use the same headless Chromium setup as `npm run bench`. */
import { afterAll, beforeAll } from 'vitest';
import { launchLabBrowser, type LabBrowser } from '../../src/cli/chromium.ts';

export { launchLabBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, type LabBrowser } from '../../src/cli/chromium.ts';

/**
 * A fresh browser for the enclosing describe block: launched before its tests, closed after them. The returned
 * handle reads the live browser, so it can be destructured inside tests.
 */
export function withLabBrowser(): Pick<LabBrowser, 'page' | 'context' | 'consoleLines'> {
  let launched: LabBrowser | undefined;
  beforeAll(async () => {
    launched = await launchLabBrowser();
  });
  afterAll(async () => {
    await launched?.close();
  });
  const current = () => {
    if (!launched) throw new Error('the browser is launched in beforeAll: use it inside a test');
    return launched;
  };
  return {
    get page() { return current().page; },
    get context() { return current().context; },
    get consoleLines() { return current().consoleLines; },
  };
}
