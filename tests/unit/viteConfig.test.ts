/**
 * `npm run dev` must not reload the page when a worker first loads: Vite's dependency scan
 * does not follow `new Worker(new URL(…))`, so a package only a worker imports was bundled late and the
 * re-bundle reloaded the page, dropping the picked folders. These cases read the config Vite loads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vite.config.ts';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every module worker the app starts, as a path from the project root. */
function startedWorkers(): string[] {
  const workers = new Set<string>();
  for (const file of [...sourceFiles('src'), ...sourceFiles('workers')]) {
    for (const [, url] of readFileSync(join(root, file), 'utf8').matchAll(/new Worker\(\s*new URL\(\s*['"]([^'"]+)['"]/g)) {
      workers.add(relative(root, resolve(root, dirname(file), url)));
    }
  }
  return [...workers].sort();
}

describe('vite.config.ts dependency pre-bundling', () => {
  it('scans every worker the app starts, besides the HTML pages', () => {
    const workers = startedWorkers();
    expect(workers).toEqual(expect.arrayContaining(['workers/align.worker.ts', 'workers/lab.worker.ts']));
    const entries = [config.optimizeDeps?.entries ?? []].flat();
    expect(entries).toEqual(expect.arrayContaining(['index.html', 'src/ui/bench/bench.html', ...workers]));
  });

  it('pre-bundles the face-api build the align worker imports', () => {
    const worker = readFileSync(join(root, 'workers/align.worker.ts'), 'utf8');
    const imported = [...worker.matchAll(/import\(\s*['"](@vladmandic\/face-api[^'"]*)['"]/g)].map((m) => m[1]);
    expect(imported).toHaveLength(1);
    expect(config.optimizeDeps?.include).toContain(imported[0]);
  });
});
