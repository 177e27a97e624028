/**
 * The lab's built-in synthetic faces: a seeded, deterministic, pure-TypeScript face renderer
 * (same pixels in Node and the browser) and the datasets built from it.
 */
export { BUILTIN_DATA, SYNTH_DEFAULTS, createSynthDataset, resolveSynthSpec, type SynthDataset, type SynthSpec } from './dataset.ts';
export { pixelChecksum } from './checksum.ts';
export { HAIR_STYLES, type FaceIdentity, type FacialHair, type HairStyle, type Rgb } from './identity.ts';
export { sampleNuisance, type Nuisance } from './nuisance.ts';
