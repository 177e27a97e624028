/**
 * "Train at scale…" exports the settings the loaded folders were loaded with, not the Data form as it stands; the
 * form with no folder loaded; and a note by the button says when the two differ.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import type { DataApi } from '../../../src/protocol/data.ts';
import { DataPanel } from '../../../src/ui/data/DataPanel.tsx';
import { DEFAULT_DATA_EXPORT, dataExportOf, type DataExport } from '../../../src/ui/data/dataExport.ts';
import { DEFAULT_DATA_SETTINGS } from '../../../src/ui/data/settings.ts';
import { unzipBlob } from '../scale/downloadedZip.ts';
import { fakeData, folderReport, pick } from './fakeDataApi.ts';

const download = vi.hoisted(() => ({ downloadText: vi.fn(), downloadBlob: vi.fn() }));
vi.mock('../../../src/ui/download.ts', () => download);
const { TrainAtScale } = await import('../../../src/ui/scale/TrainAtScale.tsx');

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const config = parseTrainConfig({ model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 } });
const weights = { initialWeights: vi.fn(async () => new Uint8Array([1])) };

/** The Data view and the Train view's button, wired as App and TrainView wire them. */
function Lab({ data }: { data: DataApi }) {
  const [exported, setExported] = useState<DataExport>(DEFAULT_DATA_EXPORT);
  return (
    <>
      <DataPanel data={data} onDataExport={setExported} />
      <TrainAtScale config={config} data={exported.settings} dataNote={exported.note} api={weights} disabled={false} />
    </>
  );
}

const setField = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('the PyTorch export of the Data view', () => {
  it('form changed after a load → the download carries the settings the folder was loaded with, and a note says so', async () => {
    const { api, loads } = fakeData();
    render(<Lab data={api} />);
    setField('Seed', '5');
    setField('Identities to train on', '2');
    pick('Training folder', 'faces/a/1.jpg');
    expect(loads[0].options).toMatchObject({ seed: 5, identities: 2 });
    await act(async () => loads[0].resolve(folderReport('train', 'faces')));
    expect(screen.queryByText(/Data form changed/)).toBeNull();

    setField('Seed', '9');
    setField('Validation %', '30');
    expect(screen.getByText(/The Data form changed since the folders were loaded \(seed, validationPercent\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Train at scale…' }));
    await waitFor(() => expect(download.downloadBlob).toHaveBeenCalledTimes(1));
    const zip = await unzipBlob((download.downloadBlob.mock.calls[0] as [string, Blob])[1]);
    expect(JSON.parse(new TextDecoder().decode(zip['data.json']))).toMatchObject({ seed: 5, identities: 2, validationPercent: 10 });

    // Loaded again with the form: the export is the form, and the note goes.
    fireEvent.click(screen.getByRole('button', { name: 'Load again with these settings' }));
    await act(async () => loads[1].resolve(folderReport('train', 'faces')));
    expect(screen.queryByText(/Data form changed/)).toBeNull();
  });

  it('dataExportOf: the form without folders; a test folder gives its seed and test pairs, and a seed it cannot carry is noted', () => {
    const form = { ...DEFAULT_DATA_SETTINGS, seed: 3, testPairs: 100 };
    expect(dataExportOf(form, {})).toEqual({ settings: form });
    const test = { ...DEFAULT_DATA_SETTINGS, seed: 4, testPairs: 50 };
    expect(dataExportOf(form, { test }).settings).toMatchObject({ seed: 4, testPairs: 50 });
    const train = { ...DEFAULT_DATA_SETTINGS, seed: 3, testPairs: 100, minImages: 2 };
    const both = dataExportOf(form, { train, test });
    expect(both.settings).toMatchObject({ seed: 3, testPairs: 50, minImages: 2 });
    expect(both.note).toMatch(/\(minImages, testPairs\).*test folder was loaded with seed 4: train\.py samples its pairs with the training folder's seed 3/);
  });
});
