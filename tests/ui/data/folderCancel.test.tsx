/** Cancelling a folder load from its section: the worker hears `false` from the progress callback and stops. */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DataApi, FolderReport, LoadProgressCallback, PickedFile } from '../../../src/protocol/data.ts';
import { FolderSection } from '../../../src/ui/data/FolderSection.tsx';
import { DEFAULT_DATA_SETTINGS } from '../../../src/ui/data/settings.ts';

afterEach(cleanup);

/** A data API whose load reports progress every tick of 10 files until the callback answers false. */
function fakeData(ticks: { next(): Promise<void> }) {
  const loadFolder = vi.fn(async (files: readonly PickedFile[], _options: unknown, onProgress: LoadProgressCallback): Promise<FolderReport> => {
    for (let done = 0; done < files.length; done += 10) {
      if ((await onProgress({ role: 'train', done, total: files.length })) === false) throw new Error(`loading cancelled after ${done} of ${files.length} files`);
      await ticks.next();
    }
    throw new Error('the fake folder never finishes loading');
  });
  return { loadFolder, thumbnails: vi.fn(), exportPairsTxt: vi.fn(), measureDecode: vi.fn(), cacheReport: vi.fn(), alignPreview: vi.fn() } as unknown as DataApi & {
    loadFolder: typeof loadFolder;
  };
}

function pick(count: number) {
  const input = screen.getByLabelText('Training folder', { selector: 'input' }) as HTMLInputElement;
  const files = Array.from({ length: count }, (_, i) => {
    const file = new File(['x'], `${i}.png`);
    Object.defineProperty(file, 'webkitRelativePath', { value: `faces/p${i % 10}/${i}.png` });
    return file;
  });
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  fireEvent.change(input);
}

describe('FolderSection: cancel loading', () => {
  it('offers "Cancel loading" while a folder loads; a click stops it at the next progress report and says how far it got', async () => {
    let release!: () => void;
    const ticks = { next: () => new Promise<void>((resolve) => (release = resolve)) };
    const data = fakeData(ticks);
    render(<FolderSection role="train" title="Training folder" data={data} settings={DEFAULT_DATA_SETTINGS} />);
    pick(100);
    await act(async () => undefined);
    await act(async () => release()); // 10 files
    await act(async () => release()); // 20 files
    expect(screen.getByRole('progressbar', { name: 'Reading training folder' }).getAttribute('aria-valuetext')).toMatch(/^20 \/ 100/);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel loading' }));
    await act(async () => release());
    expect(screen.getByRole('status').textContent).toMatch(/Loading cancelled after 20 of 100 files: no training folder is loaded/);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull(); // a cancel is not an error
    expect(screen.getByRole('button', { name: 'Load again with these settings' })).toBeTruthy();
    expect(data.loadFolder).toHaveBeenCalledTimes(1);
  });

  it('a failure that is not a cancel still reads as an error', async () => {
    const data = fakeData({ next: () => Promise.reject(new Error('disk unplugged')) });
    render(<FolderSection role="train" title="Training folder" data={data} settings={DEFAULT_DATA_SETTINGS} />);
    pick(30);
    await act(async () => undefined);
    expect(screen.getByRole('alert').textContent).toMatch(/Could not load the folder: disk unplugged/);
  });
});
