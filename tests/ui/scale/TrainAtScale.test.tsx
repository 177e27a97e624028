/** "Train at scale…": the Data panel's current choices go into the zip as data.json; "Align faces" is flagged, not hidden. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import { DEFAULT_DATA_SETTINGS } from '../../../src/ui/data/settings.ts';
import { unzipBlob } from './downloadedZip.ts';

const download = vi.hoisted(() => ({ downloadText: vi.fn(), downloadBlob: vi.fn() }));
vi.mock('../../../src/ui/download.ts', () => download);
const { TrainAtScale } = await import('../../../src/ui/scale/TrainAtScale.tsx');

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const config = parseTrainConfig({ model: { backbone: 'tiny', inputSize: 32, embeddingDim: 8, width: 4 }, seed: 3 });
const api = { initialWeights: vi.fn(async () => new Uint8Array([1, 2, 3])) };

describe('TrainAtScale', () => {
  it("writes the Data panel's choices as data.json next to the unchanged config.json", async () => {
    const data = { ...DEFAULT_DATA_SETTINGS, seed: 7, identities: 50, minImages: 5, testPairs: 300 };
    render(<TrainAtScale config={config} data={data} api={api} disabled={false} />);
    expect(screen.queryByText(/Align faces/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Train at scale…' }));
    await waitFor(() => expect(download.downloadBlob).toHaveBeenCalledTimes(1));
    const [name, blob] = download.downloadBlob.mock.calls[0] as [string, Blob];
    expect(name).toBe('margin-lab-torch-tiny-seed3.zip');
    const zip = await unzipBlob(blob);
    const written = JSON.parse(new TextDecoder().decode(zip['data.json'])) as Record<string, unknown>;
    expect(written).toMatchObject({ seed: 7, identities: 50, minImages: 5, maxImages: null, testPairs: 300 });
    expect(written).not.toHaveProperty('memoryBudgetMiB');
    expect(JSON.parse(new TextDecoder().decode(zip['config.json']))).toEqual(config);
    expect([...zip['init.safetensors']]).toEqual([1, 2, 3]);
  });

  it('says that train.py cannot align faces when "Align faces" is on', () => {
    render(<TrainAtScale config={config} data={{ ...DEFAULT_DATA_SETTINGS, alignFaces: true }} api={api} disabled={false} />);
    expect(screen.getByText(/train\.py has no face detector/).textContent).toMatch(/--no-align to train on the raw photos \(centre-cropped\)/);
    cleanup();
    // --no-align keeps data.json's centreCrop: with it off, the photos are squashed, not centre-cropped.
    render(<TrainAtScale config={config} data={{ ...DEFAULT_DATA_SETTINGS, alignFaces: true, centreCrop: false }} api={api} disabled={false} />);
    expect(screen.getByText(/train\.py has no face detector/).textContent).toMatch(/raw photos \(whole images squashed, as “Centre crop” is off\)/);
  });

  it('names a data choice the export cannot carry', async () => {
    render(<TrainAtScale config={config} data={{ ...DEFAULT_DATA_SETTINGS, minImages: 5, maxImages: 2 }} api={api} disabled={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Train at scale…' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not be made: maxImages must be at least minImages \(5\)/);
    expect(download.downloadBlob).not.toHaveBeenCalled();
  });
});
