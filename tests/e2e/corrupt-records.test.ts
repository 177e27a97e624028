/**
 * Corrupt and foreign records in the browser's IndexedDB (issue 15), in the built app: after a real micro run,
 * the page writes into the lab's three databases what a crash, another app or a hand edit could leave there — a
 * run record without its history, a checkpoint cut short (a weight tensor with half its bytes), a checkpoint of
 * another format, a saved model summary that is not one — and reloads. Outcome: each is named with its reason in
 * the "Refused records" notice, the good run still lists and plots, and no resume is offered from a refused
 * checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { showView, withLabBrowser } from './browser.ts';
import { labUrl, microConfig } from './micro.ts';

const BACKEND_READY = '[role=status][aria-label=Backend][data-backend]:not([data-backend="none"])';

describe('corrupt and foreign records in IndexedDB', () => {
  const browser = withLabBrowser();

  it('refuses each with its reason and loads the rest', async () => {
    const { page, consoleLines } = browser;
    // Stopped part way, so the run is unfinished and its checkpoint would be offered for a resume.
    const config = microConfig({ steps: 200, checkpointEvery: 2 });
    await page.goto(labUrl(config));
    await page.locator(BACKEND_READY).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForFunction(() => Number(/^Step (\d+) \//.exec(document.querySelector('.progress p')?.textContent ?? '')?.[1]) >= 4, undefined, { timeout: 180_000 });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const lastRun = page.getByRole('status', { name: 'Last run' });
    await lastRun.filter({ hasText: 'stopped' }).waitFor({ timeout: 120_000 });
    const goodRun = (await lastRun.textContent()) ?? '';

    const written = await page.evaluate(async () => {
      const open = (name: string) =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      const tx = (db: IDBDatabase, store: string, work: (s: IDBObjectStore) => void) =>
        new Promise<void>((resolve, reject) => {
          const t = db.transaction(store, 'readwrite');
          work(t.objectStore(store));
          t.oncomplete = () => resolve();
          t.onerror = () => reject(t.error);
        });
      const all = (db: IDBDatabase, store: string) =>
        new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      const runs = await open('margin-lab');
      await tx(runs, 'runs', (s) => s.put({ id: 'hand-edited', label: 'edited in DevTools', status: 'completed' }));
      const checkpoints = await open('margin-lab-checkpoints');
      const [real] = (await all(checkpoints, 'checkpoints')) as { runId: string; model: { data: ArrayBuffer }[] }[];
      const cut = { ...real, runId: `${real.runId}-cut`, model: real.model.map((t, i) => (i === 0 ? { ...t, data: t.data.slice(0, t.data.byteLength / 2) } : t)) };
      await tx(checkpoints, 'checkpoints', (s) => {
        s.put(cut);
        s.put({ runId: 'other-app', format: 'someone-elses-checkpoint', version: 7 });
      });
      const models = await open('margin-lab-models');
      await tx(models, 'summaries', (s) => s.put({ id: 'not-a-model', hello: 'world' }));
      for (const db of [runs, checkpoints, models]) db.close();
      return { runId: real.runId };
    });

    await page.reload();
    await page.locator(BACKEND_READY).waitFor({ timeout: 120_000 });
    await showView(page, 'compare');
    const notice = page.getByRole('alert', { name: 'Refused records' });
    await notice.waitFor({ timeout: 30_000 });
    const lines = await notice.locator('li').allTextContents();
    const expected = [
      /^The checkpoint of run 'other-app' was refused: it is not a Margin Lab checkpoint \(format "someone-elses-checkpoint", version 7\)\.$/,
      new RegExp(`^The checkpoint of run '${written.runId}-cut' was refused: model tensor 0 holds \\d+ bytes, its shape \\[.*\\] needs \\d+\\.$`),
      /^The run 'hand-edited' was refused: .+\.$/,
      /^The saved model 'not-a-model' was refused: .+\.$/,
    ];
    expect(lines, consoleLines.join('\n')).toHaveLength(expected.length);
    for (const pattern of expected)
      expect(
        lines.some((line) => pattern.test(line)),
        `${pattern}\n${lines.join('\n')}`,
      ).toBe(true);
    // The good run still lists, with its checkpoint offered for a resume; no refused one is.
    const rows = page.locator('table.runs-table tbody tr.run-row');
    expect(await rows.count()).toBe(1);
    await showView(page, 'train');
    const resume = page.getByRole('button', { name: /^Resume from step \d+/ });
    await resume.waitFor({ timeout: 30_000 });
    expect(await resume.count()).toBe(1);
    expect(goodRun).toMatch(/stopped after \d+ steps/);
  }, 400_000);
});
