import { describe, expect, it } from 'vitest';
import { decodeConfigHash, encodeConfigHash, RESERVED_HASH_KEYS } from '../../../src/core/configCodec.ts';
import { decodeHash, defaultPageState, encodeHash, PAGE_HASH_KEYS, sameSetup, VIEWS, type PageState } from '../../../src/core/hashState.ts';
import { presetConfig, QUICK_DEMO_PRESET } from '../../../src/core/presets.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';

const state = (changes: Partial<PageState> = {}): PageState => ({ ...defaultPageState(), ...changes });

describe('page state in the URL hash', () => {
  it('has one table of page keys, every one reserved from the config fields', () => {
    expect(PAGE_HASH_KEYS.map((k) => k.key)).toEqual(['preset', 'lesson', 'step', 'view', 'present']);
    for (const { key } of PAGE_HASH_KEYS) expect(RESERVED_HASH_KEYS).toContain(key);
    expect(VIEWS).toEqual(['train', 'compare', 'teach', 'verify', 'data']);
  });

  it('opens on the Quick demo in Train without a hash, and writes it as the config link it always was', () => {
    for (const hash of ['', '#']) expect(decodeHash(hash)).toEqual({ state: defaultPageState(), errors: [], hasSettings: false });
    expect(defaultPageState()).toEqual({ config: presetConfig(QUICK_DEMO_PRESET.id), preset: 'quick-demo', view: 'train', present: false });
    // Default view and presentation off are not written: the link reads as before there were views.
    expect(encodeHash(defaultPageState())).toBe(encodeConfigHash(presetConfig(QUICK_DEMO_PRESET.id), { preset: 'quick-demo' }));
  });

  it('round-trips every key, in table order after the config', () => {
    const config = parseTrainConfig({ steps: 40 });
    const full = state({ config, preset: undefined, lesson: 'margins', step: 3, view: 'compare', present: true });
    const hash = encodeHash(full);
    expect(hash).toBe('#v=1&n=40&lesson=margins&step=3&view=compare&present=1');
    expect(decodeHash(hash)).toEqual({ state: full, errors: [], hasSettings: true });
    for (const view of VIEWS) expect(decodeHash(encodeHash(state({ view }))).state.view).toBe(view);
  });

  it('opens a lesson link in Teach, and writes the view only when it is not the one the link implies', () => {
    expect(decodeHash('#v=1&lesson=margins&step=2').state.view).toBe('teach');
    expect(encodeHash(state({ config: parseTrainConfig({}), preset: undefined, lesson: 'margins', step: 2, view: 'teach' }))).toBe('#v=1&lesson=margins&step=2');
    // Train chosen while a lesson is open is written, so a reload stays in Train.
    const inTrain = encodeHash(state({ config: parseTrainConfig({}), preset: undefined, lesson: 'margins', step: 2, view: 'train' }));
    expect(inTrain).toBe('#v=1&lesson=margins&step=2&view=train');
    expect(decodeHash(inTrain).state.view).toBe('train');
    // Teach after leaving the lesson is written too.
    expect(encodeHash(state({ view: 'teach' }))).toMatch(/&view=teach$/);
  });

  it('keeps the setup it reads over when the hash holds no settings', () => {
    const current = state({ config: presetConfig('margin-60'), preset: 'margin-60' });
    expect(decodeHash('#view=verify', current)).toEqual({ state: { ...current, view: 'verify' }, errors: [], hasSettings: false });
    // At page open the base is the Quick demo; a named preset alone opens that preset's settings.
    expect(decodeHash('#view=data').state).toEqual(state({ view: 'data' }));
    expect(decodeHash('#preset=softmax').state).toMatchObject({ config: presetConfig('softmax'), preset: 'softmax' });
    expect(decodeHash('#lesson=margins&step=4').state).toMatchObject({ config: presetConfig(QUICK_DEMO_PRESET.id), lesson: 'margins', step: 4, view: 'teach' });
    // With settings, the config is the hash's own: defaults plus its keys, and `preset` only names it.
    const own = decodeHash('#v=1&n=40&preset=softmax&view=verify', current);
    expect(own.state.config).toEqual(parseTrainConfig({ steps: 40 }));
    expect(own.state).toMatchObject({ preset: 'softmax', view: 'verify' });
    expect(own.hasSettings).toBe(true);
  });

  it('reports what it cannot read, leaves it at its absent meaning and applies the rest', () => {
    const decoded = decodeHash('#v=1&n=40&zz=1&preset=nonsense&view=kitchen&present=yes&lesson=knitting');
    expect(decoded.state).toEqual(state({ config: parseTrainConfig({ steps: 40 }), preset: undefined }));
    expect(decoded.errors).toEqual([
      "unknown setting 'zz' was ignored",
      "unknown preset 'nonsense' in the link",
      "unknown view 'kitchen' in the link (views: train, compare, teach, verify, data)",
      "present must be 1 or 0 (got 'yes')",
    ]);
    expect(decoded.lessonError).toBe("unknown lesson 'knitting' in the link (known: margins)");
    // A damaged hash still decodes to a state whose hash reads back without errors.
    expect(decodeHash(encodeHash(decoded.state)).errors).toEqual([]);
  });

  it('keeps config decoding to the config table: the page keys pass through it as extras', () => {
    const hash = encodeHash(state({ view: 'verify', present: true }));
    expect(decodeConfigHash(hash).extras).toEqual({ preset: 'quick-demo', view: 'verify', present: '1' });
  });

  it('tells setups apart by their links', () => {
    expect(sameSetup(state(), state({ view: 'data', present: true }))).toBe(true);
    expect(sameSetup(state(), state({ preset: undefined }))).toBe(false);
    expect(sameSetup(state(), state({ config: { ...presetConfig(QUICK_DEMO_PRESET.id), steps: 7 } }))).toBe(false);
  });
});
