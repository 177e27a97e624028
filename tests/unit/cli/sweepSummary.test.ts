/** `lab sweep-summary`: `lab sweep` outputs of several seeds in, one JSON object (or a Markdown table) out. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSweepOutput } from '../../../src/cli/commands/sweepSummary.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lab-sweep-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lab(...args: string[]) {
  const result = spawnSync('npx', ['tsx', 'src/cli/lab.ts', 'sweep-summary', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const run = (preset: string, auc: number, trainAccuracy = 0.97) => ({
  preset,
  loss: 'softmax',
  auc,
  eer: 0.1,
  trainAccuracy,
  firstLoss: 9,
  lastLoss: 0.3,
  collapsed: false,
  seconds: 80,
  classes: 100,
});

/** A file as `lab sweep --set report` writes it (findings included, as the command prints them). */
function reportFile(seed: number, softmax: number, intra: number, margin30: number): string {
  const path = join(dir, `report-${seed}.json`);
  const runs = [
    run('quick-softmax', softmax),
    run('quick-softmax-intra', intra),
    run('quick-margin-30', margin30),
    run('quick-margin-45', 0.6, 0.013),
    run('quick-margin-60', 0.65, 0.006),
  ];
  writeFileSync(path, JSON.stringify({ seed, set: 'report', scale: 'demo', runs, findings: [], seconds: 240 }));
  return path;
}

describe('lab sweep-summary', () => {
  const files = [reportFile(1, 0.961, 0.961, 0.969), reportFile(2, 0.954, 0.962, 0.968), reportFile(3, 0.96, 0.968, 0.974)];

  it('prints one JSON object: hold counts per finding and mean ± sd of every AUC and gap', () => {
    const { code, stdout, stderr } = lab(...files);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['scale', 'seeds', 'aucs', 'trainAccuracies', 'gaps', 'findings', 'perSeed']);
    expect(out.scale).toBe('demo');
    expect(out.seeds).toEqual([1, 2, 3]);
    expect(out.findings[0]).toMatchObject({ id: 'margin-beats-intra-beats-softmax', held: 2, checked: 3, failedSeeds: [1] });
    const gap = out.gaps.find((g: { id: string }) => g.id === 'intra-softmax');
    expect(gap.n).toBe(3);
    expect(gap.mean).toBeCloseTo((0 + 0.008 + 0.008) / 3, 12);
    expect(out.perSeed[0].findings[0]).toMatchObject({ id: 'margin-beats-intra-beats-softmax', holds: false });
    expect(out.perSeed[0].findings[0].detail).toContain('intra − softmax');
  });

  it('prints a Markdown table with --markdown', () => {
    const { code, stdout } = lab('--markdown', ...files);
    expect(code).toBe(0);
    // One mark per finding in the report's order: the domain finding was not checked (no domain runs).
    expect(stdout).toContain('| 1 | 0.961 (97.0%) | 0.961 | 0.969 | 0.600 | 0.650 (0.6%) | ✘ ✔ ✔ ✔ – |');
    expect(stdout).toContain('- Margin 30° > Softmax + Intra > Softmax: held on 2 of 3 seeds (not on seed 1)');
  });

  it('marks what a seed lacked in --markdown, and over how many seeds a column is averaged when fewer', () => {
    const domain = join(dir, 'domain-2.json');
    writeFileSync(domain, JSON.stringify({ seed: 2, set: 'domain', scale: 'demo', runs: [run('domain-same', 0.95), run('domain-other', 0.78)], findings: [], seconds: 90 }));
    const { code, stdout } = lab('--markdown', files[0], domain);
    expect(code).toBe(0);
    expect(stdout).toContain('| 2 | – | – | – | – | – | 0.950 | 0.780 | – – – – ✔ |');
    expect(stdout).toContain('| mean ± sd | 0.9610 (1 seed) |');
    expect(stdout).toContain('- same − other domain: +0.1700 (1 seed)');
  });

  it('skips a file that is not a sweep output, or that repeats a seed’s preset, says why, and still summarises the rest', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ seed: 4, runs: [{ preset: 'quick-softmax', loss: 'softmax', auc: 'high' }] }));
    const { code, stdout, stderr } = lab(files[0], bad, files[0], join(dir, 'missing.json'));
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.seeds).toEqual([1]);
    expect(out.skipped.map((s: { file: string }) => s.file)).toEqual([bad, files[0], join(dir, 'missing.json')]);
    expect(stderr).toMatch(/skipped .*bad\.json: not a `lab sweep` output: runs\[0\] \(quick-softmax\): "auc" is not a finite number/);
    expect(stderr).toMatch(/skipped .*report-1\.json: seed 1 already has a quick-softmax run, from .*report-1\.json/);
    expect(stderr).toMatch(/skipped .*missing\.json: cannot read it \(ENOENT\)/);
  });

  it('skips an output of another scale than the files before it: micro-scale numbers mean nothing about the report', () => {
    const micro = join(dir, 'micro-4.json');
    writeFileSync(micro, JSON.stringify({ seed: 4, set: 'report', scale: 'micro', runs: [run('quick-softmax', 0.6)], findings: [], seconds: 9 }));
    const { code, stdout, stderr } = lab(files[0], micro);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).seeds).toEqual([1]);
    expect(stderr).toMatch(/skipped .*micro-4\.json: trained at scale 'micro', the files before it at 'demo'/);
  });

  it('exits 2 with no files, or when none can be used', () => {
    expect(lab().code).toBe(2);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'seed 1');
    const { code, stderr } = lab(notJson);
    expect(code).toBe(2);
    expect(stderr).toMatch(/not JSON[\s\S]*no file could be used/);
  });
});

describe('parseSweepOutput', () => {
  it('reads the runs of a sweep output and keeps only the summary fields', () => {
    const parsed = parseSweepOutput({ seed: 7, set: 'domain', runs: [{ ...run('domain-same', 0.95), extra: 1 }], findings: [] });
    expect(parsed).toEqual({ seed: 7, scale: 'demo', runs: [run('domain-same', 0.95)] });
  });
  it('says what is wrong', () => {
    expect(parseSweepOutput([])).toEqual({ error: 'not a JSON object' });
    expect(parseSweepOutput({ seed: -1, runs: [] })).toEqual({ error: '"seed" is not an integer ≥ 0' });
    expect(parseSweepOutput({ seed: 1, runs: {} })).toEqual({ error: '"runs" is not a list' });
    expect(parseSweepOutput({ seed: 1, runs: [run('quick-softmax', 0.9), run('quick-softmax', 0.8)] })).toEqual({ error: 'runs[1]: a second quick-softmax run' });
    expect(parseSweepOutput({ seed: 1, runs: [{ ...run('quick-softmax', 0.9), collapsed: 'no' }] })).toEqual({
      error: 'runs[0] (quick-softmax): "collapsed" is not true or false',
    });
    expect(parseSweepOutput({ seed: 1, runs: [{ ...run('quick-softmax', 0.9), classes: 0 }] })).toEqual({ error: 'runs[0] (quick-softmax): "classes" is not a positive integer' });
  });
});
