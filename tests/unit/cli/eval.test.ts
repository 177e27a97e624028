import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The repository root, three folders above this file (tests/unit/cli). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lab-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scoresFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function lab(...args: string[]) {
  const result = spawnSync('npx', ['tsx', 'src/cli/lab.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Ten pairs, sorted by score: 0.9+ 0.85+ 0.8+ 0.7− 0.6+ 0.5− 0.4− 0.3+ 0.2− 0.1−.
const TINY = 'label,score\n1,0.9\n1,0.8\n0,0.7\n1,0.6\n0,0.5\n0,0.4\n1,0.3\n0,0.2\n1,0.85\n0,0.1\n';

describe('lab eval', () => {
  it('prints one JSON object with exactly the contract keys, in order, and hand-computed values', () => {
    const { code, stdout, stderr } = lab('eval', '--scores', scoresFile('tiny.csv', TINY));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['pairs', 'positives', 'negatives', 'auc', 'eer', 'eerThreshold', 'bestAccuracy', 'bestThreshold', 'tenFold', 'tarAtFar']);
    expect(Object.keys(out.tenFold)).toEqual(['mean', 'std']);
    expect(Object.keys(out.tarAtFar)).toEqual(['0.1', '0.01', '0.001', '0.0001']);
    expect(out.pairs).toBe(10);
    expect(out.positives).toBe(5);
    expect(out.negatives).toBe(5);
    // U: 0.9, 0.85, 0.8 beat all 5 negatives (15); 0.6 beats 4; 0.3 beats 2 → 21/25.
    expect(out.auc).toBeCloseTo(21 / 25, 15);
    // At 0.6: TPR 4/5 and FPR 1/5, so FNR = FPR = 0.2 exactly there.
    expect(out.eer).toBeCloseTo(0.2, 15);
    expect(out.eerThreshold).toBe(0.6);
    // Thresholds 0.8 (3 TP, 0 FP) and 0.6 (4 TP, 1 FP) both give 8/10; the higher wins.
    expect(out.bestAccuracy).toBe(0.8);
    expect(out.bestThreshold).toBe(0.8);
    // No point with 0 < FPR <= 0.1: TAR is the TPR before the first negative, 3/5.
    expect(out.tarAtFar).toEqual({ '0.1': 0.6, '0.01': 0.6, '0.001': 0.6, '0.0001': 0.6 });
    // One pair per fold; the threshold chosen on the other nine misclassifies the held-out
    // 0.8+ (chosen 0.85), 0.7− (0.6), 0.6+ (0.8) and 0.3+ (0.8): accuracies 1,0,0,0,1,1,0,1,1,1.
    expect(out.tenFold.mean).toBeCloseTo(0.6, 15);
    expect(out.tenFold.std).toBeCloseTo(Math.sqrt(0.24), 15);
  });

  it.each([
    { name: 'bad-score.csv', text: 'label,score\n1,0.9\n0,abc\n', line: 3 },
    { name: 'bad-label.csv', text: 'label,score\n1,0.9\n5,0.1\n', line: 3 },
    { name: 'bad-header.csv', text: 'lbl,score\n1,0.9\n0,0.1\n', line: 1 },
    { name: 'bad-fields.csv', text: 'label,score\n1,0.9\n0,0.1\n1\n', line: 4 },
    { name: 'empty.csv', text: 'label,score\n', line: 2 },
    { name: 'one-class.csv', text: 'label,score\n1,0.9\n1,0.1\n', line: 3 },
  ])('$name → exit 2 and one stderr line naming line $line', ({ name, text, line }) => {
    const { code, stdout, stderr } = lab('eval', '--scores', scoresFile(name, text));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^lab eval: .*line ${line}: `));
  });

  it('reports an unreadable file and a missing --scores with exit 2', () => {
    const missing = lab('eval', '--scores', join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lab eval: cannot read --scores file .*nope\.csv/);
    const noOption = lab('eval');
    expect(noOption.code).toBe(2);
    expect(noOption.stderr).toMatch(/--scores FILE is required/);
  });

  it('prints the JSON alone under npm run --silent', () => {
    const result = spawnSync('npm', ['run', '--silent', 'lab', '--', 'eval', '--scores', scoresFile('npm.csv', TINY)], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(JSON.parse(result.stdout).pairs).toBe(10);
  });
});
