/**
 * `npm run lab -- synth --out DIR --seed S --identities N --images M [--size PX] [--family-size F] [--difficulty D] [--domain mixed|a|b]`:
 * writes a synthetic face set as LFW-style identity folders of PNGs
 * (DIR/<identity>/<identity>_0001.png, …) and prints {"out","identities","images","imagesPerIdentity","size","seed"} (images = the total).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SYNTH_DEFAULTS, SYNTH_DOMAINS, createSynthDataset, type SynthDomain } from '../../core/synth/index.ts';
import { UsageError, intOption, parseOptions } from '../args.ts';
import { encodeRgbPng } from '../png.ts';

/** One line for `lab` usage. */
export const summary = 'write a seeded synthetic face set as identity folders of PNGs';

/** Writes the set; returns the exit code (usage errors throw UsageError → exit 2). */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    out: { type: 'string' },
    seed: { type: 'string' },
    identities: { type: 'string' },
    images: { type: 'string' },
    size: { type: 'string' },
    'family-size': { type: 'string' },
    difficulty: { type: 'string' },
    domain: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.out) throw new UsageError('--out is required');
  const seed = intOption(values.seed, 'seed', 0, 0xffffffff);
  const identities = intOption(values.identities, 'identities', 1, 100_000);
  const imagesPerIdentity = intOption(values.images, 'images', 1, 10_000);
  const size = values.size === undefined ? SYNTH_DEFAULTS.size : intOption(values.size, 'size', 16, 1024);
  const familySize = values['family-size'] === undefined ? SYNTH_DEFAULTS.familySize : intOption(values['family-size'], 'family-size', 1, 1000);
  const difficulty = values.difficulty === undefined ? SYNTH_DEFAULTS.difficulty : Number(values.difficulty);
  if (!(difficulty >= 0 && difficulty <= 1)) throw new UsageError(`--difficulty must be a number in [0, 1], got '${values.difficulty}'`);

  const domain = (values.domain ?? SYNTH_DEFAULTS.domain) as SynthDomain;
  if (!Object.hasOwn(SYNTH_DOMAINS, domain)) throw new UsageError(`--domain must be one of ${Object.keys(SYNTH_DOMAINS).join(', ')}, got '${values.domain}'`);

  const dataset = createSynthDataset({ seed, identities, imagesPerIdentity, size, familySize, difficulty, domain });
  const out = resolve(values.out);
  const pixels = new Uint8Array(size * size * 3);
  for (let identity = 0; identity < identities; identity++) {
    const name = dataset.identityNames[identity];
    const dir = join(out, name);
    mkdirSync(dir, { recursive: true });
    for (let image = 0; image < imagesPerIdentity; image++) {
      dataset.render(identity * imagesPerIdentity + image, pixels);
      // LFW numbering: 1-based, four digits.
      writeFileSync(join(dir, `${name}_${String(image + 1).padStart(4, '0')}.png`), encodeRgbPng(pixels, size, size));
    }
  }
  // images: the total written (identities × --images).
  process.stdout.write(`${JSON.stringify({ out, identities, images: dataset.count, imagesPerIdentity, size, seed })}\n`);
  return 0;
}
