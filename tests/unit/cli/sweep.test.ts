/**
 * `lab sweep` plumbing at the micro scale: real child processes on wasm, one JSON object on stdout, the runs in
 * the report's order with their summaries, the findings computed from them. (The science is a benchmark, not a
 * test: micro runs mean nothing about the report.)
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FINDING_DEFINITIONS, SWEEP_PRESET_IDS, type Finding, type SweepRunSummary } from '../../../src/core/findings.ts';

interface SweepOutput {
  seed: number;
  set: string;
  scale: string;
  runs: SweepRunSummary[];
  findings: Finding[];
  seconds: number;
}

/** Runs `lab sweep` as a user would (a separate Node process through tsx). */
function lab(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'sweep', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lab sweep --scale micro', () => {
  it('trains the five losses in parallel processes and prints one JSON object with runs and findings 1–4', async () => {
    const { code, stdout, stderr } = await lab(['--scale', 'micro', '--jobs', '2', '--seed', '4']);
    expect(code, stderr).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(stdout) as SweepOutput;
    expect(out).toMatchObject({ seed: 4, set: 'report', scale: 'micro' });
    expect(out.runs.map((r) => r.preset)).toEqual(SWEEP_PRESET_IDS.report);
    expect(out.runs.map((r) => r.loss)).toEqual(['softmax', 'intra', 'arcface', 'arcface', 'arcface']);
    for (const r of out.runs) {
      expect(Object.keys(r).sort()).toEqual(['auc', 'classes', 'collapsed', 'eer', 'firstLoss', 'lastLoss', 'loss', 'preset', 'seconds', 'trainAccuracy'].sort());
      expect(r.classes).toBe(12);
      expect(r.auc).toBeGreaterThanOrEqual(0);
      expect(r.auc).toBeLessThanOrEqual(1);
      expect(r.trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(r.firstLoss) && Number.isFinite(r.lastLoss)).toBe(true);
      expect(r.seconds).toBeGreaterThan(0);
    }
    expect(out.findings.map((f) => f.id)).toEqual(FINDING_DEFINITIONS.filter((d) => d.set === 'report').map((d) => d.id));
    for (const f of out.findings) expect(typeof f.holds).toBe('boolean');
    expect(stderr).toMatch(/quick-margin-60: AUC/);
  }, 180_000);

  it('--set domain trains the two domain presets and checks finding 5; another seed gives other numbers', async () => {
    const [a, b] = await Promise.all([
      lab(['--scale', 'micro', '--set', 'domain', '--seed', '1', '--jobs', '1']),
      lab(['--scale', 'micro', '--set', 'domain', '--seed', '2', '--jobs', '1']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    const outA = JSON.parse(a.stdout) as SweepOutput;
    const outB = JSON.parse(b.stdout) as SweepOutput;
    expect(outA.runs.map((r) => r.preset)).toEqual(['domain-same', 'domain-other']);
    expect(outA.findings.map((f) => f.id)).toEqual(['same-domain-wins']);
    expect(outA.runs.map((r) => r.firstLoss)).not.toEqual(outB.runs.map((r) => r.firstLoss));
  }, 180_000);

  it('refuses bad options with exit code 2 and one line on stderr', async () => {
    for (const args of [
      ['--set', 'nope'],
      ['--scale', 'huge'],
      ['--jobs', '0'],
      ['--seed', 'x'],
    ]) {
      const { code, stdout, stderr } = await lab(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^lab sweep: /);
    }
  }, 60_000);
});
