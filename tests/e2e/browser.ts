/** Browser tests use the same headless Chromium setup as `npm run bench`. */
export { launchLabBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, type LabBrowser } from '../../src/cli/chromium.ts';
