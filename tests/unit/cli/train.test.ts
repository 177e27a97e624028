/**
 * `lab train --test DIR` with a test folder smaller than evalPairs: the run
 * evaluates on every balanced pair the folder gives and says so on stderr; a folder with no pair of
 * one kind fails with that cause as the error event.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/commands/train.ts';
import { writeCleanCorpus } from '../fixtures/badCorpus.ts';

let work: string;
let config: string;
const roots: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'margin-lab-train-'));
  config = join(work, 'micro.json');
  await writeFile(
    config,
    JSON.stringify({
      model: { backbone: 'tiny', inputSize: 32, width: 4, embeddingDim: 8 },
      batchSize: 8,
      steps: 2,
      evalEvery: 0,
      evalPairs: 600,
      checkpointEvery: 0,
    }),
  );
});
afterAll(async () => {
  for (const dir of [work, ...roots]) await rm(dir, { recursive: true, force: true });
});

async function corpus(counts: readonly number[]): Promise<string> {
  const { root } = await writeCleanCorpus(counts);
  roots.push(root);
  return root;
}

/** Run `lab train` in-process; returns the exit code, the events (stdout JSON lines) and stderr. */
async function train(args: string[]): Promise<{ code: number; events: { type: string; [k: string]: unknown }[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await run(args);
    return {
      code,
      events: stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
      stderr,
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('lab train with a small test folder', () => {
  it('evaluates on the 24 pairs a 12-image test folder gives, and notes that 600 were asked for', async () => {
    const data = await corpus([4, 4, 4]);
    const test = await corpus([3, 3, 3, 3]);
    const { code, events, stderr } = await train(['--config', config, '--data', data, '--test', test]);
    expect(code, JSON.stringify(events.filter((e) => e.type === 'error'))).toBe(0);
    const evaluated = events.find((e) => e.type === 'eval') as { metrics: { pairs: number; positives: number } } | undefined;
    expect(evaluated?.metrics).toMatchObject({ pairs: 24, positives: 12 });
    expect(stderr).toContain('lab train: note: evaluating on 24 pairs, the most balanced pairs the 12 test images give (evalPairs asks for 600)');
  }, 60_000);

  it('fails with the cause when the test folder gives no same-identity pair', async () => {
    const data = await corpus([4, 4, 4]);
    const test = await corpus([1, 1, 1]);
    const { code, events } = await train(['--config', config, '--data', data, '--test', test]);
    expect(code).toBe(1);
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      message: `test set ${test}: 3 images of 3 identities give no same-identity pair (every identity has one image): a test needs at least two identities, one of them with two images or more`,
    });
  }, 60_000);
});
