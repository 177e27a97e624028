/**
 * The import direction (ui → protocol → core; workers → ml → core) and the ban on import cycles are
 * enforced by eslint.config.js. These cases lint snippets as if they lived in each layer, so a rule that is
 * weakened or lost turns this red.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const cases: Array<{ file: string; code: string; banned: RegExp }> = [
  { file: 'src/core/x.ts', code: "import * as tf from '@tensorflow/tfjs';\nexport const a = tf;\n", banned: /Only src\/ml and workers/ },
  { file: 'src/core/x.ts', code: "import { useState } from 'react';\nexport const a = useState;\n", banned: /Only src\/ui may use React/ },
  { file: 'src/core/x.ts', code: "import { faceLoss } from '../ml/losses.ts';\nexport const a = faceLoss;\n", banned: /import src\/ml/ },
  { file: 'src/core/x.ts', code: "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n", banned: /Node modules/ },
  { file: 'src/core/x.ts', code: 'export const a = Math.random();\n', banned: /seeded PRNG/ },
  { file: 'src/protocol/x.ts', code: "import { a } from '../core/x.ts';\nexport type B = typeof a;\n", banned: /types only/ },
  { file: 'src/ui/x.ts', code: "import * as tf from '@tensorflow/tfjs';\nexport const a = tf;\n", banned: /Only src\/ml and workers/ },
  { file: 'src/ui/x.ts', code: "import { faceLoss } from '../ml/losses.ts';\nexport const a = faceLoss;\n", banned: /import src\/ml/ },
  { file: 'src/ui/x.ts', code: "import * as Comlink from 'comlink';\nexport const a = Comlink;\n", banned: /worker bridge/ },
  { file: 'src/ui/x.ts', code: "self.postMessage('x');\n", banned: /worker bridge/ },
  { file: 'src/ml/x.ts', code: "import { useState } from 'react';\nexport const a = useState;\n", banned: /Only src\/ui may use React/ },
  { file: 'src/ml/x.ts', code: 'export const f = (t: { dataSync(): number[] }) => t.dataSync();\n', banned: /await tensor.data/ },
  { file: 'src/ml/data/x.ts', code: "import { decodeToRgb } from '../../../workers/data/decode.ts';\nexport const a = decodeToRgb;\n", banned: /Workers are started by URL/ },
  { file: 'workers/x.ts', code: 'export const f = (t: { arraySync(): number[] }) => t.arraySync();\n', banned: /await tensor.array/ },
];

describe('layer rules in eslint.config.js', () => {
  it.each(cases)('$file rejects: $banned', async ({ file, code, banned }) => {
    const messages = await ruleIds(file, code);
    expect(
      messages.some((m) => banned.test(m)),
      messages.join('\n'),
    ).toBe(true);
  });

  it('fails on an import cycle through real files, and lets a type-only import back through', async () => {
    // src/ml/data/dataStore.ts imports FolderBatchSource from folderSource.ts, so folderSource importing it back closes a cycle.
    const cycle = await ruleIds('src/ml/data/folderSource.ts', "import { DataStore } from './dataStore.ts';\nexport const a = DataStore;\n");
    expect(
      cycle.some((m) => m.startsWith('import-x/no-cycle')),
      cycle.join('\n'),
    ).toBe(true);
    expect(await ruleIds('src/ml/data/folderSource.ts', "import type { DataStore } from './dataStore.ts';\nexport type A = DataStore;\n")).toEqual([]);
  });

  it('allows the permitted directions', async () => {
    expect(await ruleIds('src/ui/x.ts', "import type { LabWorkerApi } from '../protocol/api.ts';\nexport type A = LabWorkerApi;\n")).toEqual([]);
    expect(await ruleIds('src/protocol/x.ts', "import type { Pair } from '../core/pairs.ts';\nexport type A = Pair;\n")).toEqual([]);
    expect(await ruleIds('src/ui/worker/x.ts', "import * as Comlink from 'comlink';\nexport const a = Comlink;\n")).toEqual([]);
    expect(await ruleIds('workers/x.ts', "import * as tf from '@tensorflow/tfjs';\nexport const a = tf;\n")).toEqual([]);
  });
});
