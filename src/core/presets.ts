/**
 * One-click experiment presets: the course report's five experiments (ResNet50 from ImageNet weights,
 * s = 64, softmax, softmax + intra-class penalty and ArcFace margins of 30°, 45° and 60°) and a "Quick demo"
 * scale of the same comparison that finishes within minutes on the built-in synthetic faces.
 *
 * Presets hold a partial config (TrainConfigInput) merged over DEFAULT_TRAIN_CONFIG by parseTrainConfig,
 * so they stay valid when a default changes and say only what the experiment is about.
 */
import { LOSS_PARAMETER_DEFAULTS, type LossConfig } from './lossConfig.ts';
import { BUILTIN_DOMAINS, type BuiltinDataChoice } from './synth/dataset.ts';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from './trainConfig.ts';
import { deepFreeze } from './deepFreeze.ts';

/** An experiment the UI offers as one button. */
export interface ExperimentPreset {
  /** URL-safe slug (lowercase letters, digits and dashes), stable: it appears in links (`#preset=…`). */
  readonly id: string;
  /** Button and run label. */
  readonly name: string;
  /** One or two sentences: what the experiment shows and what the report found. */
  readonly description: string;
  /** The settings that differ from DEFAULT_TRAIN_CONFIG. */
  readonly config: Readonly<TrainConfigInput>;
  /**
   * The built-in data it trains and tests on, when not the default built-in faces (the domain presets).
   * Folders the user loaded take its place, as they do for every preset.
   */
  readonly data?: BuiltinDataChoice;
}

/**
 * The report's training setup: ResNet50 initialised from the Keras ImageNet weights, 112 px input, a 512-d
 * embedding, s = 64. SGD at 0.01 with momentum 0.9 rather than the from-scratch 0.1 of the defaults: a
 * pretrained backbone is fine-tuned, and a large first step would wipe out what ImageNet taught it. Weight
 * decay 5e-4 is the ArcFace/insightface value; batch 32 fits ResNet50 + momentum state in a browser GPU's memory.
 * The step count is a placeholder of about 16 epochs of a 6,000-image set: set it from the report's run length.
 */
export const REPORT_TRAINING = Object.freeze({
  model: Object.freeze({ backbone: 'resnet50', pretrained: 'imagenet', inputSize: 112, embeddingDim: 512 } as const),
  scale: LOSS_PARAMETER_DEFAULTS.scale,
  optimizer: Object.freeze({ kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4 } as const),
  batchSize: 32,
  steps: 3000,
  evalEvery: 250,
  evalPairs: 1000,
});

/**
 * The live-demo scale, found by measurement (`lab sweep`; README "Reproducing the report"): the tiny
 * CNN at width 32 and 32 px on the built-in faces (100 training identities × 20 images), a 512-d embedding as in the
 * report, batch-normalised (the ArcFace output block) so the features cannot drift into one cap of the sphere, s = 64,
 * SGD 0.02 with momentum for 1000 steps of 32 (16 epochs; cosine schedule). Why these and not the report's
 * 0.1 from scratch: with s = 64 every gradient is 64× that of a unit-scale softmax, and at SGD 0.05–0.1 the
 * margin runs are thrown into the region past θ + m = π, where the target logit's pull vanishes and features
 * sit anti-aligned with their class (θ_y ≈ 140–150°) instead of learning. Here softmax fits its identities
 * (96.3–99.7% training accuracy over ten seeds, the report's "over 95%") and a 30° margin sits at θ_y ≈ 30°.
 * Width 32 rather than the tiny CNN's default 16: the gaps of the report's order (30° > intra > softmax) are 1.0–4.3
 * seed-to-seed spreads wide over ten seeds, against 0.5–1.3 at width 16 over five (README). One run takes about 59 s
 * on one CPU core through wasm (two runs at once, `lab sweep --jobs 2`; the lab's wasm training kernels, src/ml/wasm).
 */
export const QUICK_DEMO_TRAINING = Object.freeze({
  model: Object.freeze({ backbone: 'tiny', pretrained: 'none', inputSize: 32, width: 32, embeddingDim: 512, embeddingNorm: 'batchnorm' } as const),
  scale: LOSS_PARAMETER_DEFAULTS.scale,
  optimizer: Object.freeze({ kind: 'sgd', lr: 0.02, momentum: 0.9, weightDecay: 5e-4 } as const),
  batchSize: 32,
  steps: 1000,
  evalEvery: 250,
  // 6,000 pairs as LFW has: the AUC's sampling spread drops to about 0.002, below the gaps the findings read.
  evalPairs: 6000,
});

/**
 * The five losses the report compares, by the names the report uses. The margins use cos(θ + m) exactly as the
 * report writes it, at every angle (`fallback: false`): past θ = π − m that formula turns upward, and at 60° this
 * upturn is what the report saw fail (features flee to θ ≈ 170° where every logit is low and the loss falls to ~0
 * with chance accuracy). So do the Quick demo and the Quick sweep; an ArcFace chosen in the config panel starts with
 * the lab's monotonic fallback on ("Fallback past π"), so the difference can be taught.
 */
const REPORT_LOSSES: readonly { slug: string; name: string; loss: LossConfig; finding: string }[] = [
  {
    slug: 'softmax',
    name: 'Softmax',
    loss: { kind: 'softmax', scale: LOSS_PARAMETER_DEFAULTS.scale },
    finding: "The baseline: normalised softmax (logits s·cos θ) with no margin, which separates classes but does not pull a person's photos together.",
  },
  {
    slug: 'softmax-intra',
    name: 'Softmax + Intra',
    loss: { kind: 'intra', scale: LOSS_PARAMETER_DEFAULTS.scale, alpha: 1 },
    finding: 'Softmax plus an intra-class penalty α/(πN)·Σθ_y (α = 1) that pulls each feature towards its class weight, shrinking same-person angles.',
  },
  {
    slug: 'margin-30',
    name: 'Margin 30°',
    loss: { kind: 'arcface', scale: LOSS_PARAMETER_DEFAULTS.scale, marginDeg: 30, fallback: false },
    finding: 'ArcFace with an additive angular margin of 30°: the true class must win by 30° of angle, which pushes classes apart.',
  },
  {
    slug: 'margin-45',
    name: 'Margin 45°',
    loss: { kind: 'arcface', scale: LOSS_PARAMETER_DEFAULTS.scale, marginDeg: 45, fallback: false },
    finding: 'ArcFace with a 45° margin, a harder target than 30° that makes training accuracy rise later.',
  },
  {
    slug: 'margin-60',
    name: 'Margin 60°',
    loss: { kind: 'arcface', scale: LOSS_PARAMETER_DEFAULTS.scale, marginDeg: 60, fallback: false },
    finding:
      'ArcFace with a 60° margin, too large to learn from the start: in the report training accuracy stayed under 1% ' +
      'while the loss kept falling, as features flee past θ = 120° where cos(θ + m) turns upward (the collapse warning flags it).',
  },
];

const lossOf = (slug: string): LossConfig => REPORT_LOSSES.find((l) => l.slug === slug)!.loss;

type Scale = typeof REPORT_TRAINING | typeof QUICK_DEMO_TRAINING;

/** A TrainConfigInput for `loss` at the given training scale (fresh objects, frozen by the caller). */
function configAt(scale: Scale, loss: LossConfig): TrainConfigInput {
  return {
    model: { ...scale.model },
    loss: { ...loss, scale: scale.scale },
    optimizer: { ...scale.optimizer },
    batchSize: scale.batchSize,
    steps: scale.steps,
    evalEvery: scale.evalEvery,
    evalPairs: scale.evalPairs,
  };
}

/** The report's five experiments at the report's scale (ResNet50 from ImageNet weights, 112 px). */
export const REPORT_PRESETS: readonly ExperimentPreset[] = deepFreeze(
  REPORT_LOSSES.map(({ slug, name, loss, finding }) => ({
    id: slug,
    name,
    description: `${finding} ResNet50 from ImageNet weights at 112 px: slow without a fast GPU.`,
    config: configAt(REPORT_TRAINING, loss),
  })),
);

/** "Quick demo": the tiny CNN on the built-in faces with a 30° margin, the lab's default one-click run. */
export const QUICK_DEMO_PRESET: ExperimentPreset = deepFreeze({
  id: 'quick-demo',
  name: 'Quick demo',
  description:
    'A tiny CNN on the built-in synthetic faces with a 30° ArcFace margin: loss, angles and ROC move within a ' +
    'couple of minutes on a laptop GPU. Run all presets to compare every loss at this scale.',
  config: configAt(QUICK_DEMO_TRAINING, lossOf('margin-30')),
});

/**
 * The five report losses at the Quick demo scale, for "Run all presets" on the built-in data (the ResNet50
 * presets take too long for a live demo on weak GPUs). Names are "Quick · <report name>".
 */
export const DEMO_SWEEP: readonly ExperimentPreset[] = deepFreeze(
  REPORT_LOSSES.map(({ slug, name, loss, finding }) => ({
    id: `quick-${slug}`,
    name: `Quick · ${name}`,
    description: `${finding} Tiny CNN on the built-in faces, a few minutes per run.`,
    config: configAt(QUICK_DEMO_TRAINING, loss),
  })),
);

/** Alias of DEMO_SWEEP: the Quick demo backbone with each of the five losses. */
export const QUICK_DEMO_SWEEP: readonly ExperimentPreset[] = DEMO_SWEEP;

/**
 * The report's "Does ethnicity care?" at the Quick demo scale: the same model, loss, identity count and images,
 * trained on the population of the test people ('a', "Same domain") or on another one ('b', "Other domain"),
 * and both tested on population a's unseen people. The loss is normalised softmax, the one that trains stably on
 * both populations: with a 30° margin from scratch the harder population b sometimes never leaves the upturn
 * past θ = 150° (measured: training accuracy 1.9%), and a domain gap would then be a training failure instead.
 */
export const DOMAIN_PRESETS: readonly ExperimentPreset[] = deepFreeze([
  {
    id: 'domain-same',
    name: 'Same domain',
    description: "Trained on population A's people, tested on unseen people of population A: the report's model trained on the test set's own domain.",
    config: configAt(QUICK_DEMO_TRAINING, lossOf('softmax')),
    data: { train: { ...BUILTIN_DOMAINS.a.train }, test: { ...BUILTIN_DOMAINS.a.test } },
  },
  {
    id: 'domain-other',
    name: 'Other domain',
    description: 'Trained on population B (darker skin, dark hair and eyes, less varied face shapes), tested on unseen people of population A: a domain the model never saw.',
    config: configAt(QUICK_DEMO_TRAINING, lossOf('softmax')),
    data: { train: { ...BUILTIN_DOMAINS.b.train }, test: { ...BUILTIN_DOMAINS.a.test } },
  },
]);

/** Every preset the UI lists as a button: the report's five, then Quick demo, then the two domain presets. */
export const PRESETS: readonly ExperimentPreset[] = Object.freeze([...REPORT_PRESETS, QUICK_DEMO_PRESET, ...DOMAIN_PRESETS]);

const ALL_PRESETS: readonly ExperimentPreset[] = Object.freeze([...PRESETS, ...DEMO_SWEEP]);

/** The preset with this id (any list), or undefined (ids may come from a URL). */
export function findPreset(id: string): ExperimentPreset | undefined {
  return ALL_PRESETS.find((p) => p.id === id);
}

/** The complete, validated config of preset `id` (a fresh object); throws for an unknown id, naming the known ones. */
export function presetConfig(id: string): TrainConfig {
  const preset = findPreset(id);
  if (!preset) throw new Error(`unknown preset '${id}' (known: ${ALL_PRESETS.map((p) => p.id).join(', ')})`);
  return parseTrainConfig(preset.config);
}
