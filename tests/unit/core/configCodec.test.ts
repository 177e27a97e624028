/** Config as data: the field table, URL hash and JSON round trips, and how bad input is reported. */
import { describe, expect, it } from 'vitest';
import {
  CONFIG_FIELDS,
  RESERVED_HASH_KEYS,
  configField,
  decodeConfigHash,
  encodeConfigHash,
  readFieldValue,
  withFieldValue,
  type ConfigField,
  type ConfigFieldValue,
} from '../../../src/core/configCodec.ts';
import { configFromJson, configToJson } from '../../../src/core/configFile.ts';
import { DEFAULT_TRAIN_CONFIG, parseTrainConfig, validateTrainConfig, type TrainConfig } from '../../../src/core/trainConfig.ts';
import { DEMO_SWEEP, PRESETS, presetConfig } from '../../../src/core/presets.ts';
import { createRng, type Rng } from '../../../src/core/prng.ts';

const field = (path: string): ConfigField => configField(path)!;

/** Every leaf path of a plain object ('a.b.c'); arrays are leaves. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** A random value inside the field's UI range: grid values, raw doubles (to test exact text) and ends. */
function randomValue(rng: Rng, f: ConfigField): ConfigFieldValue {
  const min = f.min ?? 0;
  const max = f.max ?? 1000;
  switch (f.type) {
    case 'boolean':
      return rng.next() < 0.5;
    case 'enum':
      return f.values![rng.int(f.values!.length)];
    case 'int':
      return min + rng.int(Math.min(max - min + 1, 2 ** 32));
    case 'number': {
      const r = rng.next();
      if (r < 0.1) return min;
      if (r < 0.4 && f.step) return Math.min(max, min + rng.int(Math.floor((max - min) / f.step) + 1) * f.step);
      return min + rng.next() * (max - min);
    }
    case 'intList': {
      const out: number[] = [];
      let at = 0;
      for (let i = rng.int(4); i > 0; i--) out.push((at += 1 + rng.int(5000)));
      return out;
    }
  }
}

/** A random config the engine accepts: random kinds first, then every field (optional ones half the time). */
function randomConfig(rng: Rng): TrainConfig {
  for (;;) {
    let config = parseTrainConfig({});
    const lossKind = randomValue(rng, field('loss.kind')) as TrainConfig['loss']['kind'];
    config.loss = { kind: lossKind, scale: 64 };
    const scheduleKind = randomValue(rng, field('optimizer.schedule.kind'));
    config.optimizer.schedule = (scheduleKind === 'step' ? { kind: 'step', milestones: [] } : { kind: scheduleKind }) as TrainConfig['optimizer']['schedule'];
    for (const f of CONFIG_FIELDS) {
      if (f.path === 'loss.kind' || f.path === 'optimizer.schedule.kind') continue;
      if (f.path === 'optimizer.schedule.milestones' && scheduleKind === 'step') config = withFieldValue(config, f, randomValue(rng, f));
      else if (!f.optional || rng.next() < 0.5) config = withFieldValue(config, f, randomValue(rng, f));
    }
    try {
      return parseTrainConfig(config);
    } catch {
      // e.g. ImageNet weights drawn with a tiny backbone: draw again
    }
  }
}

describe('field table', () => {
  it('has unique, short, URL-safe keys that collide with neither the version nor the reserved keys', () => {
    const keys = CONFIG_FIELDS.map((f) => f.urlKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(CONFIG_FIELDS.map((f) => f.path)).size).toBe(keys.length);
    for (const key of keys) {
      expect(key).toMatch(/^[a-z0-9]{1,5}$/);
      expect(key).not.toBe('v');
      expect(RESERVED_HASH_KEYS).not.toContain(key);
    }
    expect(Object.isFrozen(CONFIG_FIELDS)).toBe(true);
    expect(Object.isFrozen(CONFIG_FIELDS[0])).toBe(true);
  });

  it('covers every leaf of a config that sets every optional field', () => {
    const full: TrainConfig = parseTrainConfig({
      model: { width: 8, embeddingNorm: 'batchnorm' },
      loss: { kind: 'combined', alpha: 1, marginDeg: 20, cosineMargin: 0.2, angleFactor: 1, fallback: false },
      optimizer: { schedule: { kind: 'step', milestones: [100], gamma: 0.1, warmupSteps: 5, minFactor: 0 } },
    });
    const paths = CONFIG_FIELDS.map((f) => f.path);
    expect(leafPaths(full).sort()).toEqual([...paths].sort());
    for (const f of CONFIG_FIELDS) {
      if (!f.optional) expect(readFieldValue(DEFAULT_TRAIN_CONFIG, f), f.path).not.toBeUndefined();
    }
  });

  it('gives every control a label and a one-line help text, and numeric controls a range', () => {
    for (const f of CONFIG_FIELDS) {
      expect(f.label.length, f.path).toBeGreaterThan(2);
      expect(f.help, f.path).not.toMatch(/\n/);
      expect(f.help.length, f.path).toBeGreaterThan(30);
      expect(f.help.length, f.path).toBeLessThanOrEqual(140);
      if (f.type === 'enum') expect(f.values!.length, f.path).toBeGreaterThan(1);
      if (f.type === 'number' || f.type === 'int') expect(f.min!, f.path).toBeLessThan(f.max!);
      if (f.appliesWhen) expect(configField(f.appliesWhen.path)?.type, f.path).toBe('enum');
    }
    expect(field('loss.marginDeg')).toMatchObject({ urlKey: 'm', type: 'number', optional: true, min: 0, max: 90 });
    expect(field('loss.marginDeg').help).toMatch(/angular margin.*degrees/i);
  });

  it('reads and writes values by path without touching the original', () => {
    const config = presetConfig('margin-45');
    expect(readFieldValue(config, field('loss.marginDeg'))).toBe(45);
    const changed = withFieldValue(config, field('loss.marginDeg'), 20);
    expect(changed.loss.marginDeg).toBe(20);
    expect(config.loss.marginDeg).toBe(45);
    expect('marginDeg' in withFieldValue(config, field('loss.marginDeg'), undefined).loss).toBe(false);
  });
});

describe('URL hash', () => {
  it('writes only the version for the defaults and reads empty hashes as the defaults', () => {
    expect(encodeConfigHash(parseTrainConfig({}))).toBe('#v=1');
    for (const hash of ['', '#', '#v=1', 'v=1']) expect(decodeConfigHash(hash)).toEqual({ config: DEFAULT_TRAIN_CONFIG, errors: [], extras: {} });
  });

  it('writes the fields that differ from the defaults, with short keys', () => {
    const hash = encodeConfigHash(presetConfig('margin-30'));
    expect(hash.startsWith('#v=1&')).toBe(true);
    const params = new URLSearchParams(hash.slice(1));
    expect(Object.fromEntries(params)).toMatchObject({ bb: 'resnet50', pre: 'imagenet', px: '112', dim: '512', loss: 'arcface', m: '30', lr: '0.01' });
    expect(params.has('s')).toBe(false); // s = 64 is the default
    expect(params.has('mom')).toBe(false);
    const step = parseTrainConfig({ optimizer: { schedule: { kind: 'step', milestones: [100, 200] } } });
    expect(encodeConfigHash(step)).toBe('#v=1&lrs=step&ms=100,200'); // commas stay readable
  });

  it('round-trips every preset exactly', () => {
    for (const preset of [...PRESETS, ...DEMO_SWEEP]) {
      const config = presetConfig(preset.id);
      expect(decodeConfigHash(encodeConfigHash(config)), preset.id).toStrictEqual({ config, errors: [], extras: {} });
    }
  });

  it('round-trips 400 random valid configs exactly (seeded)', () => {
    const rng = createRng('config-codec-hash');
    for (let i = 0; i < 400; i++) {
      const config = randomConfig(rng);
      const hash = encodeConfigHash(config);
      const decoded = decodeConfigHash(hash);
      expect(decoded.errors, hash).toEqual([]);
      expect(decoded.config, hash).toStrictEqual(config);
    }
  });

  it('marks optional fields the default has but the config lacks with ~', () => {
    const config = parseTrainConfig({ optimizer: { schedule: { kind: 'cosine' } } });
    const hash = encodeConfigHash(config);
    expect(hash).toBe('#v=1&wu=~');
    expect(decodeConfigHash(hash).config.optimizer.schedule).toStrictEqual({ kind: 'cosine' });
    expect(decodeConfigHash('#s=~').errors).toEqual(['s=~: Scale s cannot be left out']);
  });

  it('reports unknown keys and unreadable values and applies the rest', () => {
    const { config, errors } = decodeConfigHash('#v=1&loss=arcface&m=abc&zz=3&bs=12.5&flip=maybe&bs=7&n=250');
    expect(config.loss).toStrictEqual({ kind: 'arcface', scale: 64 });
    expect(config.steps).toBe(250);
    expect(config.batchSize).toBe(32);
    expect(config.flipAugment).toBe(true);
    expect(errors).toEqual([
      'm=abc: Angular margin m (°) must be a number',
      "unknown setting 'zz' was ignored",
      'bs=12.5: Batch size must be a whole number',
      'flip=maybe: Flip training images must be 1 or 0',
      "'bs' appears more than once; the first value is used",
    ]);
  });

  it("refuses link values outside the ranges the form allows, in the form's words (n=1e99 once started a run)", () => {
    const huge = decodeConfigHash('#v=1&n=1e99&lr=0.01');
    expect(huge.config.steps).toBe(DEFAULT_TRAIN_CONFIG.steps);
    expect(huge.config.optimizer.lr).toBe(0.01);
    expect(huge.errors).toEqual(['n=1e99: Steps must be at most 100000 (got 1e99)']);
    expect(decodeConfigHash('#v=1&bs=1').errors).toEqual(['bs=1: Batch size must be at least 2 (got 1)']);
    expect(decodeConfigHash('#v=1&n=100000&bs=512').errors).toEqual([]);
  });

  it("drops only the setting the engine rejects, with the engine's message", () => {
    const margin = decodeConfigHash('#loss=arcface&m=200&n=99');
    expect(margin.config.loss).toStrictEqual({ kind: 'arcface', scale: 64 });
    expect(margin.config.steps).toBe(99);
    expect(margin.errors).toHaveLength(1);
    expect(margin.errors[0]).toMatch(/^m=200: Angular margin m \(°\) must be at most 90/);

    // ImageNet weights exist only for ResNet50 (default backbone: tiny): the weights setting is blamed.
    const weights = decodeConfigHash('#pre=imagenet&dim=128');
    expect(weights.config.model).toMatchObject({ pretrained: 'none', embeddingDim: 128 });
    expect(weights.errors).toEqual(['pre=imagenet: model.pretrained imagenet exists only for backbone resnet50']);

    // Two independent bad values: both reported, both left at their defaults, the rest applied.
    const two = decodeConfigHash('#bb=resnet50&pre=imagenet&px=10&ep=4');
    expect(two.config.model).toMatchObject({ backbone: 'resnet50', pretrained: 'imagenet', inputSize: 32 });
    expect(two.config.evalPairs).toBe(1000);
    expect(two.errors.map((e) => e.split(':')[0]).sort()).toEqual(['ep=4', 'px=10']);
  });

  it('ignores the settings of another link version but keeps UI keys', () => {
    const { config, errors, extras } = decodeConfigHash('#v=2&loss=arcface&preset=margin-30');
    expect(config).toStrictEqual(parseTrainConfig({}));
    expect(errors).toEqual(['link version v=2 is not supported (this lab reads v=1); its settings were ignored']);
    expect(extras).toEqual({ preset: 'margin-30' });
  });

  it('passes reserved UI keys through extras in both directions', () => {
    const config = presetConfig('quick-demo');
    const hash = encodeConfigHash(config, { preset: 'quick-demo', lesson: 'margins & angles' });
    expect(hash.endsWith('&preset=quick-demo&lesson=margins%20%26%20angles')).toBe(true);
    expect(decodeConfigHash(hash)).toStrictEqual({ config, errors: [], extras: { preset: 'quick-demo', lesson: 'margins & angles' } });
    expect(() => encodeConfigHash(config, { colour: 'red' })).toThrow(/'colour' is not a reserved hash key/);
  });

  it('never throws, whatever the text, and always returns a valid config', () => {
    const rng = createRng('config-codec-garbage');
    const alphabet = 'abmslvn0123456789=&%~.,-e#';
    const samples = ['%E0%A4%A', '&&&', '=', '==&=', 'm', '#loss', 'ms=1,,2', 'lrs=step&ms=5,3'];
    for (let i = 0; i < 300; i++) samples.push(Array.from({ length: 1 + rng.int(30) }, () => alphabet[rng.int(alphabet.length)]).join(''));
    for (const hash of samples) {
      const decoded = decodeConfigHash(hash);
      expect(() => validateTrainConfig(decoded.config), hash).not.toThrow();
    }
    expect(decodeConfigHash('%E0%A4%A').errors).toEqual(["'%E0%A4%A' is not valid URL text"]);
    expect(decodeConfigHash('lrs=step&ms=5,3').errors[0]).toMatch(/^ms=5,3: schedule\.milestones must be strictly increasing/);
  });
});

describe('JSON config files', () => {
  it('are pretty JSON with a format header and round-trip exactly', () => {
    const config = presetConfig('margin-60');
    const text = configToJson(config);
    expect(text.startsWith('{\n  "format": "margin-lab-config",\n  "version": 1,\n  "config": {\n')).toBe(true);
    expect(configFromJson(text)).toStrictEqual(config);
    const rng = createRng('config-codec-json');
    for (let i = 0; i < 100; i++) {
      const random = randomConfig(rng);
      expect(configFromJson(configToJson(random))).toStrictEqual(random);
    }
  });

  it('accept a partial config, merged over the defaults', () => {
    const config = configFromJson('{"format":"margin-lab-config","version":1,"config":{"loss":{"kind":"arcface","marginDeg":45}}}');
    expect(config).toStrictEqual(parseTrainConfig({ loss: { kind: 'arcface', marginDeg: 45 } }));
  });

  it('throw a clear error for bad JSON, another format or version, unknown keys and invalid values', () => {
    const file = (body: object) => JSON.stringify({ format: 'margin-lab-config', version: 1, ...body });
    expect(() => configFromJson('{ nope')).toThrow(/^config file is not valid JSON: /);
    expect(() => configFromJson('[1, 2]')).toThrow(/must be a JSON object with "format": "margin-lab-config"/);
    expect(() => configFromJson('{"format":"margin-lab-checkpoint","version":1,"config":{}}')).toThrow(
      'not a Margin Lab config file: "format" is "margin-lab-checkpoint", expected "margin-lab-config"',
    );
    expect(() => configFromJson('{"config":{}}')).toThrow(/"format" is missing/);
    expect(() => configFromJson(file({ version: 2, config: {} }))).toThrow('config file version 2 is not supported (this lab reads version 1)');
    expect(() => configFromJson(file({ config: {}, extra: 1 }))).toThrow("unknown key 'extra' in config file");
    expect(() => configFromJson(file({}))).toThrow('config file has no "config" object');
    expect(() => configFromJson(file({ config: { loss: { margin: 30 } } }))).toThrow(/^config file: unknown config key 'loss\.margin'/);
    expect(() => configFromJson(file({ config: { steps: 0 } }))).toThrow('config file: Steps must be at least 1 (got 0)');
  });

  it('reports every bad field of a config file, under the labels the form shows', () => {
    const text = JSON.stringify({ format: 'margin-lab-config', version: 1, config: { loss: { kind: 'arcface', marginDeg: 200 }, batchSize: 1.5, optimizer: { kind: 'rmsprop' } } });
    expect(() => configFromJson(text)).toThrow(
      'config file: Angular margin m (°) must be at most 90 (got 200); Optimiser must be one of sgd, adam (got "rmsprop"); Batch size must be a whole number (got 1.5)',
    );
  });
});
