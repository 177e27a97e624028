/** The Data panel's choices as data (data.json of the PyTorch export): defaults, "all" as null, bad fields named. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOLDER_DATA_SETTINGS, FOLDER_DATA_SETTING_KEYS, folderDataSettingsJson, parseFolderDataSettings } from '../../../src/core/dataSettings.ts';

describe('parseFolderDataSettings', () => {
  it('fills every default', () => {
    expect(parseFolderDataSettings({})).toEqual(DEFAULT_FOLDER_DATA_SETTINGS);
    expect(parseFolderDataSettings(undefined)).toEqual(DEFAULT_FOLDER_DATA_SETTINGS);
  });

  it('merges a subset over the defaults; null counts mean all', () => {
    const parsed = parseFolderDataSettings({ seed: 9, identities: 50, minImages: 5, maxImages: null, testPairs: 300, alignFaces: true, faceDetector: 'ssd' });
    expect(parsed).toEqual({ ...DEFAULT_FOLDER_DATA_SETTINGS, seed: 9, identities: 50, minImages: 5, testPairs: 300, alignFaces: true, faceDetector: 'ssd' });
    expect('maxImages' in parsed).toBe(false);
    expect(parseFolderDataSettings({ identities: null }).identities).toBeUndefined();
  });

  it.each([
    [{ colour: 'red' }, /unknown data setting 'colour' \(allowed: seed, identities,/],
    [{ seed: -1 }, /^seed must be an integer from 0 to 4294967295 \(got -1\)/],
    [{ seed: 2 ** 32 }, /^seed must be/],
    [{ identities: 0 }, /^identities must be an integer from 1 up \(got 0\)/],
    [{ identities: 2.5 }, /^identities must be/],
    [{ minImages: '3' }, /^minImages must be an integer from 1 up \(got "3"\)/],
    [{ minImages: 5, maxImages: 4 }, /^maxImages must be at least minImages \(5\) \(got 4\)/],
    [{ validationPercent: 100 }, /^validationPercent must be an integer from 0 to 99/],
    [{ testPairs: 1 }, /^testPairs must be an integer from 2 up/],
    [{ imageSize: 8 }, /^imageSize must be an integer from 16 to 512/],
    [{ centreCrop: 'yes' }, /^centreCrop must be true or false \(got "yes"\)/],
    [{ background: 'grey' }, /^background must be "black" or "white" \(got "grey"\)/],
    [{ alignFaces: 1 }, /^alignFaces must be true or false/],
    // The detector and threshold by the align step's own rules (checkAlignOptions), the key named.
    [{ faceDetector: 'mtcnn' }, /^faceDetector: detector must be 'tiny' or 'ssd', got 'mtcnn'/],
    [{ faceScoreThreshold: 1.5 }, /^faceScoreThreshold: score threshold must be in \[0, 1\], got 1.5/],
    [{ faceScoreThreshold: '0.5' }, /^faceScoreThreshold must be a number in \[0, 1\] \(got "0.5"\)/],
    [[1, 2], /^data settings must be a JSON object/],
  ])('rejects %j, naming the field', (input, message) => {
    expect(() => parseFolderDataSettings(input)).toThrow(message);
  });
});

describe('folderDataSettingsJson', () => {
  it('writes every key in order, "all" as null, leaves a wider object\'s keys (the form\'s memory budget) out, and parses back', () => {
    const form = { ...DEFAULT_FOLDER_DATA_SETTINGS, memoryBudgetMiB: 256, identities: 50, minImages: 5, testPairs: 300 };
    const text = folderDataSettingsJson(form);
    const written = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual([...FOLDER_DATA_SETTING_KEYS]);
    expect(written).toMatchObject({ identities: 50, minImages: 5, maxImages: null, testPairs: 300 });
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseFolderDataSettings(written)).toEqual({ ...DEFAULT_FOLDER_DATA_SETTINGS, identities: 50, minImages: 5, testPairs: 300 });
  });

  it('refuses invalid settings rather than writing them', () => {
    expect(() => folderDataSettingsJson({ ...DEFAULT_FOLDER_DATA_SETTINGS, minImages: 5, maxImages: 2 })).toThrow(/maxImages must be at least minImages/);
  });
});
