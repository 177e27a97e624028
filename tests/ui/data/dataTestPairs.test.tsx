/**
 * What the test folder's counts say about its pairs: a folder that gave fewer
 * pairs than "Test pairs" asked for says how many and why, with no error; one that gave none shows
 * its cause.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { FolderReport } from '../../../src/protocol/data.ts';
import { FolderSummary, pairsText } from '../../../src/ui/data/FolderSummary.tsx';

afterEach(cleanup);

const CACHE = { bytesUsed: 0, budgetBytes: 1, imagesCached: 0, imagesInUse: 0, bytesPerImage: 1 };
const TEST: FolderReport = { role: 'test', root: 'small', files: 12, identities: 4, images: 12, skipped: [], singletons: [], unusableFolders: [], cache: CACHE, seconds: 0.1 };

describe('the test pairs row', () => {
  it('says when the folder gave fewer pairs than asked for, and how many', () => {
    expect(pairsText({ source: 'sampled', count: 24, positives: 12, negatives: 12, requested: 600 }, 12)).toBe(
      '24 (12 same, 12 different; sampled: the most balanced pairs 12 images give, fewer than the 600 asked for)',
    );
    expect(pairsText({ source: 'sampled', count: 600, positives: 300, negatives: 300, requested: 600 }, 5_000)).toBe('600 (300 same, 300 different; sampled)');
    expect(pairsText({ source: 'sampled', count: 40, positives: 20, negatives: 20 }, 20)).toBe('40 (20 same, 20 different; sampled)');
    expect(pairsText({ source: 'pairs.txt', count: 6_000, positives: 3_000, negatives: 3_000 }, 13_233)).toBe('6,000 (3,000 same, 3,000 different; from pairs.txt)');
  });

  it('shows the 24 pairs of a 12-image folder without an error', () => {
    render(<FolderSummary report={{ ...TEST, pairs: { source: 'sampled', count: 24, positives: 12, negatives: 12, requested: 600 } }} skipped={0} label="Test folder counts" />);
    expect(screen.getByText('Test pairs').nextElementSibling?.textContent).toBe(
      '24 (12 same, 12 different; sampled: the most balanced pairs 12 images give, fewer than the 600 asked for)',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows why a folder gave no pairs', () => {
    const pairsError =
      '4 images of 4 identities give no same-identity pair (every identity has one image): a test needs at least two identities, one of them with two images or more';
    render(<FolderSummary report={{ ...TEST, images: 4, pairsError }} skipped={0} label="Test folder counts" />);
    expect(screen.getByRole('alert').textContent).toBe(`No test pairs: ${pairsError}`);
  });
});
