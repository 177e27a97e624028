import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { skipReasons } from '../../../src/core/dataset/inventory.ts';
import type { GalleryPage } from '../../../src/protocol/data.ts';
import { Gallery } from '../../../src/ui/data/Gallery.tsx';
import { formatEta, LoadProgressBar, progressText } from '../../../src/ui/data/LoadProgressBar.tsx';
import { groupSkipped, SKIP_LIST_LIMIT, SkippedReport } from '../../../src/ui/data/SkippedReport.tsx';

afterEach(cleanup);

describe('load progress', () => {
  it('formats counts and the ETA', () => {
    expect(formatEta(undefined)).toBe('ETA …');
    expect(formatEta(41.6)).toBe('ETA 42 s');
    expect(formatEta(185)).toBe('ETA 3 min 05 s');
    expect(progressText({ role: 'train', done: 1234, total: 13233, etaSeconds: 30 })).toBe('1,234 / 13,233, ETA 30 s');
    expect(progressText({ role: 'train', done: 5, total: 5 })).toBe('5 / 5, done');
  });

  it('renders an accessible <progress> with the counts', () => {
    render(<LoadProgressBar label="Reading training folder" progress={{ role: 'train', done: 30, total: 120, etaSeconds: 9 }} />);
    const bar = screen.getByRole('progressbar', { name: 'Reading training folder' });
    expect(bar.getAttribute('value')).toBe('30');
    expect(bar.getAttribute('max')).toBe('120');
    expect(bar.getAttribute('aria-valuetext')).toBe('30 / 120, ETA 9 s');
  });
});

describe('skipped-files report', () => {
  const skipped = [
    { path: 'faces/b/notes.jpg', reason: skipReasons.notImage() },
    { path: 'faces/.DS_Store', reason: skipReasons.hidden() },
    { path: 'faces/a/cut.jpg', reason: skipReasons.corrupt() },
    { path: 'faces/a/empty.jpg', reason: skipReasons.zeroBytes() },
    { path: 'faces/b/scan.tif', reason: skipReasons.unsupported('tiff') },
    { path: 'faces/b/x.jpg', reason: skipReasons.notImage() },
  ];

  it('groups by reason in the rules order, keeping file order within a group', () => {
    expect(groupSkipped(skipped).map((g) => [g.code, g.files.map((f) => f.path)])).toEqual([
      ['hidden', ['faces/.DS_Store']],
      ['zero-bytes', ['faces/a/empty.jpg']],
      ['not-image', ['faces/b/notes.jpg', 'faces/b/x.jpg']],
      ['unsupported-format', ['faces/b/scan.tif']],
      ['corrupt', ['faces/a/cut.jpg']],
    ]);
  });

  it('shows collapsible groups with counts and every path with its reason', () => {
    render(<SkippedReport skipped={skipped} label="Skipped" />);
    const report = screen.getByRole('region', { name: 'Skipped' });
    expect(report.querySelectorAll('details')).toHaveLength(5);
    expect(within(report).getByText('Not images (2)').tagName).toBe('SUMMARY');
    const corrupt = report.querySelector('details[data-code="corrupt"]')!;
    expect(corrupt.hasAttribute('open')).toBe(false);
    expect(corrupt.textContent).toContain('faces/a/cut.jpg — corrupt or truncated beyond decoding');
    expect(report.querySelector('details[data-code="unsupported-format"]')!.textContent).toContain('unsupported format: TIFF');
  });

  it('lists long groups up to the limit, then all on request', () => {
    const many = Array.from({ length: SKIP_LIST_LIMIT + 5 }, (_, i) => ({ path: `f/${i}.txt`, reason: skipReasons.notImage() }));
    render(<SkippedReport skipped={many} />);
    expect(document.querySelectorAll('li')).toHaveLength(SKIP_LIST_LIMIT);
    fireEvent.click(screen.getByRole('button', { name: `Show all ${SKIP_LIST_LIMIT + 5} files` }));
    expect(document.querySelectorAll('li')).toHaveLength(SKIP_LIST_LIMIT + 5);
  });

  it('says so when nothing was skipped', () => {
    render(<SkippedReport skipped={[]} />);
    expect(screen.getByText('No files skipped.')).toBeTruthy();
  });
});

describe('gallery', () => {
  /** Pages of 2 identities from 5, each with (index+1) thumbnails. */
  const names = ['平木大作', 'José', 'Ana 😀', 'Zoë', 'Kim'];
  const loadPage = vi.fn(async (page: number): Promise<GalleryPage> => {
    const shown = names.slice(page * 2, page * 2 + 2);
    return {
      role: 'train',
      page,
      pageCount: 3,
      totalIdentities: 5,
      identities: shown.map((name, i) => ({ key: name, name, imageCount: 10 + i, thumbnails: Array.from({ length: i + 1 }, () => new Blob(['jpeg'])) })),
    };
  });

  it('shows a page of identities with thumbnails and pages with labelled buttons', async () => {
    let next = 0;
    URL.createObjectURL = vi.fn(() => `blob:thumb-${next++}`);
    URL.revokeObjectURL = vi.fn();
    render(<Gallery label="Training gallery" loadPage={loadPage} />);
    const gallery = await screen.findByRole('region', { name: 'Training gallery' });
    expect([...gallery.querySelectorAll('figcaption')].map((c) => c.textContent)).toEqual(['平木大作 (10 images)', 'José (11 images)']);
    expect(
      within(gallery)
        .getAllByRole('img')
        .map((img) => img.getAttribute('alt')),
    ).toEqual(['平木大作, image 1', 'José, image 1', 'José, image 2']);
    expect(within(gallery).getByText(/Page 1 of 3/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Previous page' }) as HTMLButtonElement).disabled).toBe(true);

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Next page' })));
    expect(loadPage).toHaveBeenLastCalledWith(1);
    await screen.findByText('Ana 😀 (10 images)');
    // The first page's three object URLs are released when it is replaced.
    expect(vi.mocked(URL.revokeObjectURL).mock.calls.map((c) => c[0])).toEqual(['blob:thumb-0', 'blob:thumb-1', 'blob:thumb-2']);
  });

  it('shows the worker error instead of a gallery', async () => {
    render(<Gallery label="Test gallery" loadPage={() => Promise.reject(new Error('no test folder is loaded'))} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Gallery: no test folder is loaded');
  });
});
