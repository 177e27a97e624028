import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { DataPanel, type DataChoice } from '../../../src/ui/data/DataPanel.tsx';
import { folderDataChoice } from '../../../src/ui/data/dataChoice.ts';
import { fakeData, folderReport as report, pick } from './fakeDataApi.ts';

afterEach(cleanup);

describe('what the data panel offers to train on', () => {
  it('labels a loaded training folder, with the test folder or the validation split', () => {
    const train = { phase: 'loaded', report: report('train', 'faces'), unreadable: [], loadNumber: 1 } as const;
    const test = { phase: 'loaded', report: report('test', 'lfw'), unreadable: [], loadNumber: 2 } as const;
    expect(folderDataChoice(train, test)).toEqual({
      spec: { kind: 'folder', test: 'test-folder', label: "folder 'faces': 3 identities, 9,800 images; test folder 'lfw': 600 pairs" },
      label: "folder 'faces': 3 identities, 9,800 images; test folder 'lfw': 600 pairs",
      trainImages: 9_800,
      identities: 3,
    });
    // A test folder without pairs leaves the validation split to evaluate on, and the label says why.
    const noPairs = { ...test, report: report('test', 'lfw', { pairs: undefined, pairsError: 'no same-identity pair' }) };
    expect(folderDataChoice(train, noPairs)?.spec).toEqual({
      kind: 'folder',
      test: 'validation',
      label: "folder 'faces': 3 identities, 9,800 images; tested on its validation images (test folder 'lfw' gives no pairs)",
    });
    expect(folderDataChoice(train, { phase: 'empty' })?.label).toBe("folder 'faces': 3 identities, 9,800 images; tested on its validation images");
    expect(folderDataChoice({ phase: 'empty' }, test)).toBeUndefined();
    expect(folderDataChoice({ phase: 'failed', error: 'x' }, test)).toBeUndefined();
    const single = { ...train, report: report('train', 'faces', { sample: { identityNames: ['a'], trainImages: 5, validationImages: 0, eligible: 1 } }) };
    expect(folderDataChoice(single, test)).toBeUndefined();
  });

  it('calls onDataReady when the training folder loads, again for a test folder, and with undefined on "Use built-in faces"', async () => {
    const { api, loads } = fakeData();
    const onDataReady = vi.fn<(choice: DataChoice | undefined) => void>();
    render(<DataPanel data={api} onDataReady={onDataReady} />);
    expect(screen.getByRole('status', { name: 'Data in use' }).textContent).toBe('Training on: built-in synthetic faces');
    expect(screen.queryByRole('button', { name: 'Use built-in faces' })).toBeNull();

    pick('Training folder', 'faces/平木大作/1.jpg');
    expect(loads[0].options.role).toBe('train');
    expect(onDataReady).not.toHaveBeenCalled();
    await act(async () => loads[0].resolve(report('train', 'faces')));
    expect(onDataReady).toHaveBeenCalledTimes(1);
    expect(onDataReady.mock.lastCall?.[0]).toMatchObject({ spec: { kind: 'folder', test: 'validation' }, identities: 3, trainImages: 9_800 });
    expect(screen.getByRole('status', { name: 'Data in use' }).textContent).toContain("Training on: folder 'faces': 3 identities, 9,800 images");

    pick('Test folder', 'lfw/a/1.jpg');
    await act(async () => loads[1].resolve(report('test', 'lfw')));
    expect(onDataReady).toHaveBeenCalledTimes(2);
    expect(onDataReady.mock.lastCall?.[0]?.spec).toMatchObject({ kind: 'folder', test: 'test-folder' });

    fireEvent.click(screen.getByRole('button', { name: 'Use built-in faces' }));
    expect(onDataReady).toHaveBeenCalledTimes(3);
    expect(onDataReady.mock.lastCall?.[0]).toBeUndefined();
    expect(screen.getByRole('status', { name: 'Data in use' }).textContent).toBe('Training on: built-in synthetic faces');
    // The sections are empty again: no counts left on screen.
    expect(screen.queryByText('Training images')).toBeNull();
  });

  it('withdraws the offer when a reload of the training folder fails', async () => {
    const { api, loads } = fakeData();
    const onDataReady = vi.fn<(choice: DataChoice | undefined) => void>();
    render(<DataPanel data={api} onDataReady={onDataReady} />);
    pick('Training folder', 'faces/a/1.jpg');
    await act(async () => loads[0].resolve(report('train', 'faces')));
    fireEvent.click(screen.getByRole('button', { name: 'Load again with these settings' }));
    // Loading again: the folder is being replaced in the worker, so nothing is offered meanwhile.
    expect(onDataReady.mock.lastCall?.[0]).toBeUndefined();
    await act(async () => loads[1].reject(new Error('disk gone')));
    expect(onDataReady).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('alert').textContent).toContain('disk gone');
  });
});
