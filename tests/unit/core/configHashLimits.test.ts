/**
 * Hostile links: a URL hash is refused field by field — unknown keys, wrong types and out-of-range values
 * each named, the rest applied — and a very long hash is refused whole with one clear message, quickly, without
 * echoing its text back or listing a line per key.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, decodeConfigHash, encodeConfigHash, MAX_CONFIG_HASH_LENGTH, MAX_HASH_ERRORS } from '../../../src/core/configCodec.ts';
import { PRESETS } from '../../../src/core/presets.ts';
import { DEFAULT_TRAIN_CONFIG, parseTrainConfig } from '../../../src/core/trainConfig.ts';

describe('URL hash limits', () => {
  it('refuses each bad field by name and applies the others', () => {
    const { config, errors } = decodeConfigHash('#v=1&n=300&px=NaN&lr=Infinity&bs=0x10&dim=99999&loss=cosface&bb=vgg&x=1&__proto__=1');
    expect(config.steps).toBe(300);
    expect(config.loss.kind).toBe('cosface');
    expect(config.model).toMatchObject({
      inputSize: DEFAULT_TRAIN_CONFIG.model.inputSize,
      embeddingDim: DEFAULT_TRAIN_CONFIG.model.embeddingDim,
      backbone: DEFAULT_TRAIN_CONFIG.model.backbone,
    });
    expect(config.optimizer.lr).toBe(parseTrainConfig({ loss: { kind: 'cosface' } }).optimizer.lr);
    expect(errors).toEqual([
      'px=NaN: Input size (px) must be a number',
      'lr=Infinity: Learning rate must be a number',
      'bs=0x10: Batch size must be a number',
      'dim=99999: Embedding size must be at most 1024 (got 99999)',
      'bb=vgg: Backbone must be one of resnet50, resnet18, tiny',
      "unknown setting 'x' was ignored",
      "unknown setting '__proto__' was ignored",
    ]);
  });

  it('reads every link the lab writes: the longest is far below the limit', () => {
    const lengths = Object.values(PRESETS).map((preset) => encodeConfigHash(parseTrainConfig(preset.config), { preset: 'x'.repeat(40), lesson: 'margins', step: '12' }).length);
    expect(Math.max(...lengths)).toBeLessThan(MAX_CONFIG_HASH_LENGTH / 4);
    expect(CONFIG_FIELDS.length * 40).toBeLessThan(MAX_CONFIG_HASH_LENGTH);
  });

  it('refuses a very long hash whole, with one message, quickly', () => {
    for (const hash of [`#v=1&n=300&zz=${'a'.repeat(MAX_CONFIG_HASH_LENGTH)}`, `#v=1&${'k=1&'.repeat(250_000)}`, '#' + 'ms='.padEnd(2_000_000, '1,')]) {
      const started = performance.now();
      const decoded = decodeConfigHash(hash);
      expect(performance.now() - started).toBeLessThan(100);
      expect(decoded.config).toStrictEqual(parseTrainConfig({}));
      expect(decoded.extras).toEqual({});
      expect(decoded.errors).toEqual([
        `the link's settings are ${hash.length} characters long, more than the ${MAX_CONFIG_HASH_LENGTH} a Margin Lab link may have: they were all ignored`,
      ]);
    }
  });

  it('keeps messages short within the limit: long values are clipped and errors are capped', () => {
    const long = decodeConfigHash(`#v=1&m=${'9'.repeat(500)}&${'q'.repeat(300)}=1`);
    expect(long.errors).toHaveLength(2);
    for (const error of long.errors) expect(error.length).toBeLessThan(150);
    expect(long.errors[0]).toMatch(/^m=9{40}…: /);

    const many = decodeConfigHash(`#v=1&n=300&${Array.from({ length: 200 }, (_, i) => `k${i}=1`).join('&')}`);
    expect(many.config.steps).toBe(300);
    expect(many.errors).toHaveLength(MAX_HASH_ERRORS);
    expect(many.errors.at(-1)).toBe(`… and ${200 - MAX_HASH_ERRORS + 1} more problems in the link`);
  });
});
