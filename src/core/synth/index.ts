/**
 * The lab's built-in synthetic faces: a seeded, deterministic, pure-TypeScript face renderer
 * (same pixels in Node and the browser) and the datasets built from it.
 */
export {
  BUILTIN_DATA,
  BUILTIN_DOMAINS,
  SYNTH_DEFAULTS,
  createBuiltinSets,
  createSynthDataset,
  pinBuiltinChoice,
  UNPINNED_BUILTIN_DATA,
  resolveSynthSpec,
  type BuiltinDataChoice,
  type SynthDataset,
  type SynthSpec,
  type SynthSplitOverrides,
} from './dataset.ts';
export { pixelChecksum } from './checksum.ts';
export { HAIR_STYLES, SYNTH_DOMAINS, type FaceIdentity, type FacialHair, type HairStyle, type Rgb, type SynthDomain, type SynthDomainProfile } from './identity.ts';
export { sampleNuisance, type Nuisance } from './nuisance.ts';
