/**
 * Data loading in the built app: pick a folder through the folder input and by dropping it,
 * and see the counts, the skipped-files report and the gallery. The fixture folder is written
 * with sharp for each run (tests/e2e/fixtures/dataFolder.ts).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchLabBrowser, showView, type LabBrowser } from './browser.ts';
import { writeDataFolder, writeTimingFolder, type DataFolderFixture } from './fixtures/dataFolder.ts';

/** Every file under `dir`, as [path relative to dir's parent, bytes as base64]. */
async function listFiles(dir: string, parent: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, parent)));
    else out.push([relative(parent, path).split('\\').join('/'), (await readFile(path)).toString('base64')]);
  }
  return out;
}

/** The value shown for a counts row (<dt>name</dt><dd>value</dd>). */
async function countOf(section: Locator, name: string): Promise<string> {
  return (await section.locator(`dt:text-is("${name}") + dd`).textContent()) ?? '';
}

async function waitLoaded(section: Locator): Promise<void> {
  await section.and(section.page().locator('[data-phase="loaded"]')).waitFor({ timeout: 60_000 });
}

/**
 * Drop `files` (paths starting with the folder's name) onto `dropZone` as one folder. Playwright
 * cannot drop real folders, so the drop event carries a DataTransfer whose item returns a
 * directory entry tree built in the page from real File objects; readEntries hands out two
 * entries per call, as real readers hand out batches, to exercise the read-until-empty loop.
 */
async function dropFolder(page: Page, dropZone: Locator, files: [string, string][]): Promise<void> {
  const handle = await dropZone.elementHandle();
  await page.evaluate(
    ({ target, files }) => {
      interface Node {
        name: string;
        children?: Map<string, Node>;
        file?: File;
      }
      const root: Node = { name: '', children: new Map() };
      for (const [path, base64] of files) {
        const parts = path.split('/');
        let node = root;
        parts.forEach((part, i) => {
          if (i === parts.length - 1) {
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            node.children!.set(part, { name: part, file: new File([bytes], part) });
            return;
          }
          if (!node.children!.has(part)) node.children!.set(part, { name: part, children: new Map() });
          node = node.children!.get(part)!;
        });
      }
      const toEntry = (node: Node, parentPath: string): unknown => {
        const fullPath = `${parentPath}/${node.name}`;
        if (node.file) {
          return { isFile: true, isDirectory: false, name: node.name, fullPath, file: (ok: (f: File) => void) => setTimeout(() => ok(node.file!), 0) };
        }
        const children = [...node.children!.values()];
        return {
          isFile: false,
          isDirectory: true,
          name: node.name,
          fullPath,
          createReader() {
            let at = 0;
            return {
              readEntries(ok: (entries: unknown[]) => void) {
                const batch = children.slice(at, at + 2).map((c) => toEntry(c, fullPath));
                at += batch.length;
                setTimeout(() => ok(batch), 0);
              },
            };
          },
        };
      };
      const folder = [...root.children!.values()][0];
      const item = { kind: 'file', type: '', webkitGetAsEntry: () => toEntry(folder, '') };
      const event = new DragEvent('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(event, 'dataTransfer', { value: { items: [item], files: [], types: ['Files'], dropEffect: 'copy' } });
      (target as Element).dispatchEvent(event);
    },
    { target: handle, files },
  );
}

describe('loading local folders in the built app', () => {
  let browser: LabBrowser;
  let work: string;
  let fixture: DataFolderFixture;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'margin-lab-data-'));
    fixture = await writeDataFolder(work);
    browser = await launchLabBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Checks shared by both ways of picking: counts, every skip reason, and the gallery. */
  async function expectFixtureShown(section: Locator) {
    const { page, consoleLines } = browser;
    await waitLoaded(section).catch((err) => {
      throw new Error(`${err}\nconsole:\n${consoleLines.join('\n')}`);
    });
    expect(await countOf(section, 'Folder')).toBe(fixture.rootName);
    expect(await countOf(section, 'Identities')).toBe(String(fixture.identities.length));
    expect(await countOf(section, 'Images')).toBe(String(fixture.images));
    expect(await countOf(section, 'Skipped')).toBe(String(fixture.skipped.length));
    const report = section.getByRole('region', { name: /skipped files/ });
    for (const { path, code } of fixture.skipped) {
      const group = report.locator(`details[data-code="${code}"]`);
      await group.locator('summary').click(); // open it (keyboard and mouse both toggle <details>)
      await expect(group.locator('li', { hasText: path }).count(), `${path} listed as ${code}`).resolves.toBe(1);
      await group.locator('summary').click();
    }
    const gallery = section.getByRole('region', { name: /gallery/ });
    await gallery.locator('figcaption').first().waitFor();
    const captions = await gallery.locator('figcaption').allTextContents();
    // Identities in code-point order of their NFC names; NFD "José" arrives as one NFC identity.
    expect(captions.map((c) => c.replace(/ \(\d+ images\)$/, ''))).toEqual([...fixture.identities].sort());
    expect(await gallery.locator('img').count()).toBe(fixture.images);
    const decoded = await gallery.locator('img').evaluateAll((imgs) => Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => img.naturalWidth))));
    expect(decoded.every((w) => w === 112)).toBe(true);
    return page;
  }

  it('reads a folder picked through the folder input', async () => {
    const { page } = browser;
    await page.goto(inject('baseUrl'));
    await showView(page, 'data');
    const section = page.getByRole('region', { name: 'Training folder', exact: true });
    const input = section.getByLabel('Training folder', { exact: true });
    await section.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    await input.setInputFiles(fixture.dir);
    await expectFixtureShown(section);
    // Sampling defaults hold out 10 % of 10 images: one validation image, never an identity's last.
    expect(await countOf(section, 'Validation images')).toBe('1');
    expect(await countOf(section, 'Training images')).toBe('9');
  });

  it('reads a folder dropped on the drop zone, with the same rules', async () => {
    const { page } = browser;
    await page.goto(inject('baseUrl'));
    await showView(page, 'data');
    const section = page.getByRole('region', { name: 'Test folder', exact: true });
    await section.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    await dropFolder(page, section.getByRole('region', { name: 'Drop zone: Test folder' }), await listFiles(fixture.dir, work));
    await expectFixtureShown(section);
    // 10 images of 4 identities allow 8 same-identity pairs: the 16 balanced pairs they give are used, not 600.
    expect(await countOf(section, 'Test pairs')).toBe('16 (8 same, 8 different; sampled: the most balanced pairs 10 images give, fewer than the 600 asked for)');
    await expect(section.getByRole('alert').count()).resolves.toBe(0);
  });

  it('takes test pairs from a pairs.txt in the test folder and exports them as pairs.txt', async () => {
    const { page } = browser;
    const parent = join(work, 'with-pairs');
    await mkdir(parent);
    const test = await writeDataFolder(parent, 'lfw test');
    // Image numbers count each identity's usable images in file-name order ('cut.jpg' etc. are skipped).
    const pairsTxt = '4\n平木大作\t1\t3\nZoë Smith\t1\t2\n平木大作\t2\tAna 😀 Lima\t1\nJosé Núñez\t1\tZoë Smith\t2\n';
    await writeFile(join(test.dir, 'pairs.txt'), pairsTxt);
    await page.goto(inject('baseUrl'));
    await showView(page, 'data');
    const section = page.getByRole('region', { name: 'Test folder', exact: true });
    await section.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    await section.getByLabel('Test folder', { exact: true }).setInputFiles(test.dir);
    await waitLoaded(section);
    // pairs.txt is read, not listed as a skipped file.
    expect(await countOf(section, 'Skipped')).toBe(String(test.skipped.length));
    expect(await countOf(section, 'Test pairs')).toBe('4 (2 same, 2 different; from pairs.txt)');
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Export pairs.txt' }).click()]);
    expect(download.suggestedFilename()).toBe('pairs.txt');
    expect(await readFile((await download.path())!, 'utf8')).toBe(pairsTxt);
  });

  it('reports how fast the browser reads and decodes a folder of JPEGs', async () => {
    const { page } = browser;
    const dir = await writeTimingFolder(work, 20, 10);
    await page.goto(inject('baseUrl'));
    await showView(page, 'data');
    const section = page.getByRole('region', { name: 'Training folder', exact: true });
    await section.locator('input[type=file]:not([disabled])').waitFor({ timeout: 120_000 });
    await section.getByLabel('Training folder', { exact: true }).setInputFiles(dir);
    await waitLoaded(section);
    expect(await countOf(section, 'Images')).toBe('200');
    const seconds = Number((await countOf(section, 'Read in')).replace(' s', ''));
    // A figure for the report, not an assertion on speed.
    console.log(`data load: 200 JPEGs 250×250 → 112×112 RGB in ${seconds} s (${(200 / seconds).toFixed(0)} images/s, sniff + decode + cache)`);
  });
});
