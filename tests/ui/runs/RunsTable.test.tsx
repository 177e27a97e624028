/** The runs table (headers, formatting, sorting, selection, two-step delete, warnings) and the run exports. */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunsTable, formatDuration } from '../../../src/ui/runs/RunsTable.tsx';
import { configSummary, csvField, finalEval, runsToCsv, runsToJson } from '../../../src/ui/runs/exportRuns.ts';
import type { RunRecord } from '../../../src/ui/runs/runRecord.ts';
import type { EvalMetrics, StepPoints } from '../../../src/protocol/events.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { presetConfig } from '../../../src/core/presets.ts';
import { STEP_COLUMNS } from '../../../src/core/stepColumns.ts';

const COLUMNS = STEP_COLUMNS;

function metrics(auc: number, extra: Partial<EvalMetrics> = {}): EvalMetrics {
  return {
    pairs: 1000,
    positives: 500,
    negatives: 500,
    auc,
    eer: 0.15,
    eerThreshold: 0.3,
    tarAtFar: { '0.01': 0.6, '0.001': 0.4 },
    bestAccuracy: 0.86,
    bestThreshold: 0.31,
    tenFoldMean: 0.85,
    tenFoldStd: 0.02,
    ...extra,
  };
}

function makeRun(id: string, label: string, auc: number | undefined, patch: Partial<RunRecord> = {}): RunRecord {
  const history = {} as StepPoints;
  COLUMNS.forEach((name, c) => (history[name] = Float32Array.from([0, 1, 2], (v) => v + c)));
  return {
    id,
    label,
    config: parseTrainConfig({}),
    dataLabel: 'built-in synthetic faces',
    backend: 'webgpu',
    startedAt: '2025-01-01T00:00:00.000Z',
    seconds: 65,
    status: 'completed',
    step: 500,
    history,
    evals: auc === undefined ? [] : [{ step: 500, metrics: metrics(auc) }],
    warnings: [],
    ...patch,
  };
}

// Numbered in alphabetical order, so that sorting by the Run column (by label, "#n …" first) reads alphabetically too.
const RUNS = [
  makeRun('b', 'Bravo', 0.8, { number: 2 }),
  makeRun('n', 'No eval', undefined, { status: 'running', step: 120, number: 4 }),
  makeRun('a', 'Alpha', 0.95, { number: 1 }),
  makeRun('c', 'Charlie', 0.9, { number: 3 }),
];

function renderTable(runs = RUNS, selected = new Set<string>()) {
  const onSelectedChange = vi.fn<(next: Set<string>) => void>();
  const onDelete = vi.fn<(id: string) => void>();
  render(<RunsTable runs={runs} selected={selected} onSelectedChange={onSelectedChange} onDelete={onDelete} />);
  return { onSelectedChange, onDelete };
}

/** Run labels in display order, without their "#n " (checked on its own below). */
const rowLabels = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((row) => row.querySelector('.run-label')?.textContent?.replace(/^#\d+ /, ''));
const header = (name: string) => screen.getByRole('columnheader', { name });

afterEach(cleanup);

describe('RunsTable', () => {
  it('has the column headers, including exactly "AUC"', () => {
    renderTable();
    expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Show on plots',
      'Run',
      'Config',
      'AUC',
      'EER',
      'TAR@FAR=1e-3',
      'Best acc.',
      '10-fold acc.',
      'Intra',
      'Inter',
      'Time',
      'Backend',
      'Status',
      'Actions',
    ]);
    expect(within(header('AUC')).getByRole('button', { name: 'AUC' })).toBeTruthy();
  });

  it('formats the figures: AUC to 4 decimals, rates as percentages, 10-fold as mean ± std, time as m:ss', () => {
    const run = makeRun('m', 'Margin', 0.912345, { config: presetConfig('margin-30'), seconds: 185.4 });
    renderTable([run]);
    const cells = screen.getAllByRole('row')[1].querySelectorAll('td');
    const text = Array.from(cells, (td) => td.textContent);
    // 500 different-person pairs cannot resolve FAR 1e-3 (see the TAR test below).
    expect(text.slice(2, 12)).toEqual([
      'resnet50 (ImageNet) · ArcFace m=30° · s=64 · lr 0.01 · batch 32 · 3000 steps',
      '0.9123',
      '15.00%',
      'n/a',
      '86.00%',
      '85.00% ± 2.00%',
      '—',
      '—',
      '3:05',
      'webgpu',
    ]);
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('shows TAR@FAR=1e-3 only from at least 1000 negative pairs, else n/a with the reason as its tooltip', () => {
    const few = makeRun('f', 'Few', 0.9, { evals: [{ step: 500, metrics: metrics(0.9, { pairs: 40, positives: 20, negatives: 20, tarAtFar: { '0.001': 0.15 } }) }] });
    const many = makeRun('m', 'Many', 0.9, { evals: [{ step: 500, metrics: metrics(0.9, { negatives: 1000 }) }] });
    renderTable([few, many]);
    const tarColumn = screen.getAllByRole('columnheader').findIndex((th) => th.textContent === 'TAR@FAR=1e-3');
    const [fewCell, manyCell] = screen
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.querySelectorAll('td')[tarColumn]);
    expect(fewCell.textContent).toBe('n/a');
    expect(fewCell.querySelector('abbr')?.getAttribute('title')).toMatch(/^20 different-person pairs cannot measure a false accept rate of 0\.001: that needs at least 1000/);
    expect(manyCell.textContent).toBe('40.00%');
    expect(header('TAR@FAR=1e-3').getAttribute('title')).toMatch(/n\/a when the evaluation had fewer than 1000 different-person pairs/);
    // Sorting puts the run without a usable TAR last, as a run without an evaluation.
    fireEvent.click(screen.getByRole('button', { name: 'TAR@FAR=1e-3' }));
    fireEvent.click(screen.getByRole('button', { name: 'TAR@FAR=1e-3' }));
    expect(header('TAR@FAR=1e-3').getAttribute('aria-sort')).toBe('descending');
    expect(rowLabels()).toEqual(['Many', 'Few']);
  });

  it('sorts by a clicked header, both ways, with runs lacking the figure last', () => {
    renderTable();
    expect(rowLabels()).toEqual(['Bravo', 'No eval', 'Alpha', 'Charlie']);
    expect(header('AUC').getAttribute('aria-sort')).toBe('none');
    fireEvent.click(screen.getByRole('button', { name: 'AUC' }));
    expect(rowLabels()).toEqual(['Bravo', 'Charlie', 'Alpha', 'No eval']);
    expect(header('AUC').getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByRole('button', { name: 'AUC' }));
    expect(rowLabels()).toEqual(['Alpha', 'Charlie', 'Bravo', 'No eval']);
    expect(header('AUC').getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(rowLabels()).toEqual(['Alpha', 'Bravo', 'Charlie', 'No eval']);
    expect(header('Run').getAttribute('aria-sort')).toBe('ascending');
    expect(header('AUC').getAttribute('aria-sort')).toBe('none');
  });

  it('reports ticked and cleared "Show on plots" boxes as a new set', () => {
    const selected = new Set(['a']);
    const { onSelectedChange } = renderTable(RUNS, selected);
    const alpha = screen.getByRole('checkbox', { name: 'Show #1 Alpha on plots' }) as HTMLInputElement;
    expect(alpha.checked).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Show #2 Bravo on plots' }));
    expect([...onSelectedChange.mock.calls[0][0]].sort()).toEqual(['a', 'b']);
    fireEvent.click(alpha);
    expect([...onSelectedChange.mock.calls[1][0]]).toEqual([]);
    expect([...selected]).toEqual(['a']); // the prop itself is not mutated
  });

  it('deletes only after an in-line confirmation, and can be cancelled', () => {
    const { onDelete } = renderTable();
    fireEvent.click(screen.getByRole('button', { name: 'Delete #2 Bravo' }));
    expect(onDelete).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Keep #2 Bravo' }));
    expect(screen.queryByRole('button', { name: 'Confirm delete #2 Bravo' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Delete #2 Bravo' }));
    const confirm = screen.getByRole('button', { name: 'Confirm delete #2 Bravo' });
    expect(confirm.textContent).toBe('Confirm delete');
    fireEvent.click(confirm);
    expect(onDelete).toHaveBeenCalledTimes(1);
    expect(onDelete).toHaveBeenCalledWith('b');
  });

  it('shows warnings, divergence messages and progress in the status column', () => {
    const collapsed = makeRun('x', 'Margin 60°', 0.5, {
      warnings: [{ step: 300, code: 'collapse', message: 'Training accuracy is near chance while the loss falls' }],
    });
    const diverged = makeRun('y', 'Big lr', undefined, { status: 'diverged', message: 'Loss became NaN at step 42' });
    renderTable([collapsed, diverged, RUNS[1]]);
    const note = screen.getByRole('note');
    expect(note.textContent).toBe('⚠ Warning: Training accuracy is near chance while the loss falls (step 300)');
    expect(note.className).toContain('run-warning-collapse');
    expect(screen.getByText('Loss became NaN at step 42')).toBeTruthy();
    expect(screen.getByText('Diverged')).toBeTruthy();
    expect(screen.getByText('Running · step 120/500')).toBeTruthy();
  });

  it('keeps a long error on one line, its full text in the title and in a disclosure', () => {
    const error = `Failed to compile the fragment shader: ${'x'.repeat(3000)}\n${'    at gpgpu_util (backend.js:1:1)\n'.repeat(100)}`;
    renderTable([makeRun('e', 'Failed', undefined, { status: 'error', step: 0, message: error })]);
    const summary = screen.getByRole('row', { name: /Failed/ }).querySelector('.run-message summary')!;
    expect(summary.textContent).toMatch(/^Failed to compile the fragment shader: x+…$/);
    expect(summary.textContent!.length).toBeLessThanOrEqual(120);
    expect(summary.getAttribute('title')).toBe(error);
    expect((summary.parentElement as HTMLDetailsElement).open).toBe(false);
    expect(summary.parentElement!.querySelector('.run-message-full')!.textContent).toBe(error);
    // A short message needs no disclosure.
    cleanup();
    renderTable([makeRun('s', 'Short', undefined, { status: 'error', message: 'GPU device lost' })]);
    expect(screen.getByTitle('GPU device lost').textContent).toBe('GPU device lost');
  });

  it('renames a run in place: Save (or Enter) keeps the name, Escape keeps the old one, a blank one clears it', () => {
    const onRename = vi.fn<(id: string, name: string) => void>();
    const run = makeRun('r', 'tiny · Softmax', 0.9, { number: 3, startedAt: '2026-12-01T03:12:00.000Z' });
    const { rerender } = render(<RunsTable runs={[run]} selected={new Set()} onSelectedChange={() => {}} onDelete={() => {}} onRename={onRename} />);
    expect(
      screen
        .getByRole('row', { name: /#3 tiny · Softmax/ })
        .querySelector('time')
        ?.getAttribute('dateTime'),
    ).toBe('2026-12-01T03:12:00.000Z');

    fireEvent.click(screen.getByRole('button', { name: 'Rename #3 tiny · Softmax' }));
    const field = screen.getByRole('textbox', { name: 'New name for #3 tiny · Softmax' }) as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: 'never mind' } });
    fireEvent.keyDown(field, { key: 'Escape' });
    expect(onRename).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Rename #3 tiny · Softmax' }));

    fireEvent.click(screen.getByRole('button', { name: 'Rename #3 tiny · Softmax' }));
    fireEvent.change(screen.getByRole('textbox'), { target: { value: 'baseline' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onRename).toHaveBeenLastCalledWith('r', 'baseline');

    rerender(<RunsTable runs={[{ ...run, name: 'baseline' }]} selected={new Set()} onSelectedChange={() => {}} onDelete={() => {}} onRename={onRename} />);
    expect(screen.getByText('baseline').getAttribute('title')).toBe('#3 tiny · Softmax');
    fireEvent.click(screen.getByRole('button', { name: 'Rename baseline' }));
    expect((screen.getByRole('textbox') as HTMLInputElement).value).toBe('baseline');
    fireEvent.change(screen.getByRole('textbox'), { target: { value: '' } });
    fireEvent.submit(screen.getByRole('textbox'));
    expect(onRename).toHaveBeenLastCalledWith('r', '');
  });

  it('says so when there are no runs', () => {
    renderTable([]);
    expect(screen.getByText(/^No runs yet\./)).toBeTruthy();
  });
});

/** A small RFC 4180 reader, to check that quoting survives a round trip. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += ch;
  }
  return rows;
}

describe('run exports', () => {
  it('quote CSV fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0.125)).toBe('0.125');
  });

  it('write one CSV row per run with config columns and final metrics, CRLF line ends', () => {
    const tricky = makeRun('t', 'Margin 30°, "take 2"\nretry', 0.93, { config: presetConfig('margin-30') });
    const csv = runsToCsv([tricky, RUNS[1]]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [head, first, second, ...rest] = parseCsv(csv);
    expect(rest).toEqual([]);
    const row = Object.fromEntries(head.map((name, i) => [name, first[i]]));
    expect(row).toMatchObject({
      id: 't',
      label: 'Margin 30°, "take 2"\nretry',
      backbone: 'resnet50',
      pretrained: 'imagenet',
      loss: 'arcface',
      margin_deg: '30',
      scale: '64',
      lr: '0.01',
      batch_size: '32',
      auc: '0.93',
      'tar_at_far_0.01': '0.6',
      'tar_at_far_0.001': '',
      ten_fold_std: '0.02',
    });
    expect(head.indexOf('tar_at_far_0.01')).toBeLessThan(head.indexOf('tar_at_far_0.001'));
    expect(second[head.indexOf('auc')]).toBe(''); // no evaluation yet
    expect(second).toHaveLength(head.length);
  });

  it('round the wall time to 0.1 s and carry the number, name, preset and every result-changing setting', () => {
    const run = makeRun('p', 'Margin 30°', 0.9, { config: presetConfig('margin-30'), presetId: 'margin-30', number: 7, name: 'first try', seconds: 89.43739999999991 });
    const [head, row] = parseCsv(runsToCsv([run, RUNS[0]]));
    const csv = Object.fromEntries(head.map((name, i) => [name, row[i]]));
    const config = run.config;
    expect(csv).toMatchObject({
      seconds: '89.4',
      number: '7',
      name: 'first try',
      preset_id: 'margin-30',
      backbone: 'resnet50',
      pretrained: 'imagenet',
      input_size: String(config.model.inputSize),
      embedding_dim: String(config.model.embeddingDim),
      embedding_norm: config.model.embeddingNorm ?? 'none',
      l2: String(config.model.l2),
      loss: 'arcface',
      scale: '64',
      margin_deg: '30',
      fallback: String(config.loss.fallback ?? ''),
      margin_warmup_steps: String(config.marginWarmupSteps),
      optimizer: config.optimizer.kind,
      lr: '0.01',
      momentum: String(config.optimizer.momentum),
      weight_decay: String(config.optimizer.weightDecay),
      batch_size: '32',
      steps: '3000',
      flip_augment: String(config.flipAugment),
      eval_pairs: String(config.evalPairs),
      seed: String(config.seed),
    });
    expect(parseCsv(runsToCsv([RUNS[0]]))[1][head.indexOf('preset_id')]).toBe(''); // a custom run has none
    const [entry] = (JSON.parse(runsToJson([run])) as { runs: Record<string, unknown>[] }).runs;
    expect(entry).toMatchObject({ seconds: 89.4, number: 7, name: 'first try', presetId: 'margin-30' });
  });

  it('write JSON with config, evaluations and final metrics, and per-step arrays only when asked', () => {
    const run = makeRun('j', 'J', 0.9, { warnings: [{ step: 3, code: 'collapse', message: 'm' }] });
    run.evals.push({ step: 600, metrics: metrics(Number.NaN) });
    const data = JSON.parse(runsToJson([run])) as { format: string; version: number; runs: Record<string, unknown>[] };
    expect(data.format).toBe('margin-lab-runs');
    expect(data.version).toBe(1);
    const [entry] = data.runs;
    expect(entry.config).toEqual(run.config);
    expect(entry.final).toMatchObject({ step: 600, metrics: { auc: null } }); // NaN has no JSON spelling
    expect(entry.evals).toHaveLength(2);
    expect(entry).not.toHaveProperty('history');
    const full = JSON.parse(runsToJson([run], { includeHistory: true })) as { runs: { history: Record<string, number[]> }[] };
    expect(full.runs[0].history.loss).toEqual([1, 2, 3]);
    expect(finalEval(run)?.step).toBe(600);
    expect(configSummary(parseTrainConfig({ loss: { kind: 'intra' } }))).toBe('tiny · Softmax + Intra α=1 · s=64 · lr 0.1 · batch 32 · 500 steps');
  });
});
