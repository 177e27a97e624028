/**
 * The training config's fields as one table: where each lives in TrainConfig, its stable URL key, how it is written
 * and what the UI says about it. configCodec.ts reads it for the URL hash and JSON files, the config panel for its
 * controls; add a field here and all three follow.
 */
import { LOSS_KINDS } from './lossConfig.ts';
import { SCHEDULE_KINDS } from './schedule.ts';
import { deepFreeze } from './deepFreeze.ts';

/** How a field's value is written in a URL and edited in the UI. */
export type ConfigFieldType = 'number' | 'int' | 'boolean' | 'enum' | 'intList';

/** Where the UI groups a control. */
export type ConfigFieldGroup = 'model' | 'loss' | 'optimizer' | 'training' | 'evaluation';

/** A field's value: numbers, booleans, enum strings, integer lists; undefined when an optional field is absent. */
export type ConfigFieldValue = number | boolean | string | readonly number[] | undefined;

/** One config field: where it lives, how it is written and what the UI says about it. */
export interface ConfigField {
  /** Dotted path in TrainConfig, e.g. 'loss.marginDeg'. */
  readonly path: string;
  /** Short, stable URL key: links depend on it, never rename. */
  readonly urlKey: string;
  readonly type: ConfigFieldType;
  /** Allowed values of an 'enum' field, in the order the UI lists them. */
  readonly values?: readonly string[];
  /** Control label. */
  readonly label: string;
  /** One line on what the control does (the UI shows it under the control). */
  readonly help: string;
  /** Range and step of the UI control (the engine's validation may allow more). */
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  /** True when the config may leave the field out (the engine then uses a default). */
  readonly optional: boolean;
  /** What the engine uses when an optional field is absent, where a control must show it (a checkbox has no "empty"). */
  readonly absentMeans?: ConfigFieldValue;
  readonly group: ConfigFieldGroup;
  /** The field matters only while another (enum) field has one of these values; the UI hides it otherwise. */
  readonly appliesWhen?: { readonly path: string; readonly values: readonly string[] };
}

type FieldSpec = Omit<ConfigField, 'optional' | 'group'> & { optional?: boolean };
const inGroup = (group: ConfigFieldGroup, specs: FieldSpec[]): ConfigField[] => specs.map((spec) => ({ ...spec, optional: spec.optional ?? false, group }));
const when = (path: string, ...values: string[]) => ({ path, values });

/** Every TrainConfig field, in the order the UI shows them. */
export const CONFIG_FIELDS: readonly ConfigField[] = deepFreeze([
  ...inGroup('model', [
    {
      path: 'model.backbone',
      urlKey: 'bb',
      type: 'enum',
      values: ['resnet50', 'resnet18', 'tiny'],
      label: 'Backbone',
      help: "Network that turns a face crop into an embedding: ResNet50 (the report's), ResNet18, or a tiny CNN for live demos.",
    },
    {
      path: 'model.pretrained',
      urlKey: 'pre',
      type: 'enum',
      values: ['none', 'imagenet'],
      label: 'Initial weights',
      help: 'Start from the Keras ImageNet weights (ResNet50 only) or from random weights.',
      appliesWhen: when('model.backbone', 'resnet50'),
    },
    {
      path: 'model.inputSize',
      urlKey: 'px',
      type: 'int',
      min: 32,
      max: 224,
      step: 8,
      label: 'Input size (px)',
      help: 'Side of the square face crop fed to the network; compute grows with its square.',
    },
    {
      path: 'model.embeddingDim',
      urlKey: 'dim',
      type: 'int',
      min: 2,
      max: 1024,
      step: 1,
      label: 'Embedding size',
      help: 'Length of the feature vector that verification compares between two photos (the report uses 512).',
    },
    {
      path: 'model.l2',
      urlKey: 'l2',
      type: 'number',
      min: 0,
      max: 0.01,
      step: 0.0001,
      label: 'Embedding L2 λ',
      help: "Weight λ of the λ·Σw² penalty on the embedding layer's kernel, added to the loss.",
    },
    {
      path: 'model.width',
      urlKey: 'wid',
      type: 'int',
      optional: true,
      min: 1,
      max: 64,
      step: 1,
      label: 'Base width',
      help: "Channels in the first stage of the tiny CNN or ResNet18; leave empty for the backbone's default.",
      appliesWhen: when('model.backbone', 'tiny', 'resnet18'),
    },
    {
      path: 'model.embeddingNorm',
      urlKey: 'en',
      type: 'enum',
      values: ['none', 'batchnorm'],
      optional: true,
      label: 'Embedding norm',
      help: 'Batch-normalise the embedding (as ArcFace does) so features stay centred instead of collapsing into one cap of the sphere.',
    },
  ]),
  ...inGroup('loss', [
    {
      path: 'loss.kind',
      urlKey: 'loss',
      type: 'enum',
      values: [...LOSS_KINDS],
      label: 'Loss',
      help: 'What the true-class logit gets: nothing (softmax), an intra-class penalty, or an angular/cosine margin.',
    },
    {
      path: 'loss.scale',
      urlKey: 's',
      type: 'number',
      min: 1,
      max: 128,
      step: 1,
      label: 'Scale s',
      help: 'Radius s of the hypersphere: logits are s·cos θ, so a larger s makes the softmax sharper.',
    },
    {
      path: 'loss.alpha',
      urlKey: 'a',
      type: 'number',
      optional: true,
      min: 0,
      max: 10,
      step: 0.1,
      label: 'Intra weight α',
      help: "Weight α of the penalty α/(πN)·Σθ_y that pulls each feature towards its class's weight vector.",
      appliesWhen: when('loss.kind', 'intra'),
    },
    {
      path: 'loss.marginDeg',
      urlKey: 'm',
      type: 'number',
      optional: true,
      min: 0,
      max: 90,
      step: 1,
      label: 'Angular margin m (°)',
      help: 'Additive angular margin m added to the true-class angle, in degrees: the target logit is s·cos(θ + m).',
      appliesWhen: when('loss.kind', 'arcface', 'combined'),
    },
    {
      path: 'loss.cosineMargin',
      urlKey: 'cm',
      type: 'number',
      optional: true,
      min: 0,
      max: 1,
      step: 0.05,
      label: 'Cosine margin',
      help: 'Margin subtracted from the true-class cosine (CosFace m, or m3 of the combined form): s·(cos θ − m).',
      appliesWhen: when('loss.kind', 'cosface', 'combined'),
    },
    {
      path: 'loss.angleFactor',
      urlKey: 'm1',
      type: 'number',
      optional: true,
      min: 1,
      max: 4,
      step: 0.1,
      label: 'Angle factor m1',
      help: 'Multiplies the true-class angle in the combined margin s·(cos(m1·θ + m2) − m3); 1 turns it off.',
      appliesWhen: when('loss.kind', 'combined'),
    },
    {
      path: 'loss.fallback',
      urlKey: 'fb',
      type: 'boolean',
      optional: true,
      absentMeans: true,
      label: 'Fallback past π',
      help: 'Past θ = π − m, where cos(θ + m) turns upward, use a falling cosine instead; off: the plain formula, as in the report.',
      appliesWhen: when('loss.kind', 'arcface', 'combined'),
    },
  ]),
  ...inGroup('optimizer', [
    { path: 'optimizer.kind', urlKey: 'opt', type: 'enum', values: ['sgd', 'adam'], label: 'Optimiser', help: 'SGD with momentum (the ArcFace recipe) or Adam.' },
    {
      path: 'optimizer.lr',
      urlKey: 'lr',
      type: 'number',
      min: 0.00001,
      max: 1,
      step: 0.0001,
      label: 'Learning rate',
      help: 'Base step size of each update; the schedule scales it over the run.',
    },
    { path: 'optimizer.momentum', urlKey: 'mom', type: 'number', min: 0, max: 0.999, step: 0.01, label: 'Momentum', help: "SGD momentum μ (velocity v ← μv + g), or Adam's β1." },
    {
      path: 'optimizer.weightDecay',
      urlKey: 'wd',
      type: 'number',
      min: 0,
      max: 0.01,
      step: 0.0001,
      label: 'Weight decay',
      help: 'Decoupled decay w ← w − lr·wd·w on conv, dense and class-head weights after every update.',
    },
    {
      path: 'optimizer.schedule.kind',
      urlKey: 'lrs',
      type: 'enum',
      values: [...SCHEDULE_KINDS],
      label: 'LR schedule',
      help: 'How the learning rate changes over the run: constant, cut at milestones, or cosine down to a floor.',
    },
    {
      path: 'optimizer.schedule.warmupSteps',
      urlKey: 'wu',
      type: 'int',
      optional: true,
      min: 0,
      max: 10000,
      step: 10,
      label: 'LR warm-up steps',
      help: 'Ramp the learning rate up linearly over this many first steps.',
    },
    {
      path: 'optimizer.schedule.milestones',
      urlKey: 'ms',
      type: 'intList',
      optional: true,
      min: 1,
      label: 'Milestones',
      help: 'Steps at which the learning rate is multiplied by γ, comma-separated and increasing.',
      appliesWhen: when('optimizer.schedule.kind', 'step'),
    },
    {
      path: 'optimizer.schedule.gamma',
      urlKey: 'g',
      type: 'number',
      optional: true,
      min: 0.01,
      max: 1,
      step: 0.01,
      label: 'Decay factor γ',
      help: 'Factor applied to the learning rate at each milestone (0.1 divides it by ten).',
      appliesWhen: when('optimizer.schedule.kind', 'step'),
    },
    {
      path: 'optimizer.schedule.minFactor',
      urlKey: 'lrmin',
      type: 'number',
      optional: true,
      min: 0,
      max: 1,
      step: 0.01,
      label: 'Final LR fraction',
      help: 'Learning rate at the end of the cosine schedule, as a fraction of the base rate.',
      appliesWhen: when('optimizer.schedule.kind', 'cosine'),
    },
  ]),
  ...inGroup('training', [
    {
      path: 'batchSize',
      urlKey: 'bs',
      type: 'int',
      min: 2,
      max: 512,
      step: 1,
      label: 'Batch size',
      help: 'Images per update: larger batches give smoother gradients and use more memory.',
    },
    { path: 'steps', urlKey: 'n', type: 'int', min: 1, max: 100000, step: 10, label: 'Steps', help: 'Number of optimiser updates in the run.' },
    {
      path: 'marginWarmupSteps',
      urlKey: 'mw',
      type: 'int',
      min: 0,
      max: 100000,
      step: 10,
      label: 'Margin warm-up steps',
      help: 'Grow the margin linearly from zero (plain softmax) over this many steps; 0 applies it fully from the start.',
    },
    {
      path: 'flipAugment',
      urlKey: 'flip',
      type: 'boolean',
      label: 'Flip training images',
      help: 'Mirror training images left–right at random (seeded), so the network sees both sides of each face.',
    },
    {
      path: 'seed',
      urlKey: 'seed',
      type: 'int',
      min: 0,
      max: 4294967295,
      step: 1,
      label: 'Seed',
      help: 'Seeds the initial weights, the batch order and the augmentation: the same seed repeats the run.',
    },
    {
      path: 'checkpointEvery',
      urlKey: 'ck',
      type: 'int',
      min: 0,
      max: 100000,
      step: 10,
      label: 'Checkpoint every',
      help: 'Save weights and optimiser state every this many steps so the run can resume; 0 saves only when stopped.',
    },
  ]),
  ...inGroup('evaluation', [
    {
      path: 'evalEvery',
      urlKey: 'ev',
      type: 'int',
      min: 0,
      max: 100000,
      step: 10,
      label: 'Evaluate every',
      help: 'Measure verification on the test pairs every this many steps; 0 measures only at the end.',
    },
    {
      path: 'evalPairs',
      urlKey: 'ep',
      type: 'int',
      min: 20,
      max: 20000,
      step: 20,
      label: 'Test pairs',
      help: 'Number of test pairs, half of the same person and half of different people.',
    },
    { path: 'flipEval', urlKey: 'fe', type: 'boolean', label: 'Flip at test time', help: 'Average each test embedding with that of the mirrored image, as insightface does.' },
  ]),
]);
