/**
 * Lesson mode for instructors: guided sequences through the report's story on the built-in data. Each
 * step says in two or three sentences what to look at and what the report found, and names the preset
 * its one-click run trains. A lesson and its position live in the URL hash (`lesson=<id>&step=<n>`,
 * n counted from 1: PAGE_HASH_KEYS in hashState.ts), so an instructor can prepare a link before class.
 */
import { findPreset } from './presets.ts';
import { deepFreeze } from './deepFreeze.ts';

/** One step of a lesson. */
export interface LessonStep {
  /** Short heading, shown large on a projector. */
  readonly title: string;
  /** Two or three sentences: what to look at and what the report found. */
  readonly text: string;
  /** The preset the step's "Run" button trains (DEMO_SWEEP ids); absent for a step without a run. */
  readonly presetId?: string;
  /** The figure the step is about, by its name in the lab ("Loss curve", "Angle histogram", …). */
  readonly look: string;
  /** True when the step needs the user's own photos loaded (it cannot run on the built-in faces). */
  readonly needsPhotos?: boolean;
}

/** A guided sequence of steps. */
export interface Lesson {
  /** URL-safe id (`lesson=<id>`). */
  readonly id: string;
  readonly title: string;
  readonly steps: readonly LessonStep[];
}

/** The report's story: softmax → + intra → margins of 30°, 45°, 60° → alignment on/off with photos. */
export const MARGINS_LESSON: Lesson = deepFreeze({
  id: 'margins',
  title: 'Why angular margins help face verification',
  steps: [
    {
      title: '1. Softmax',
      look: 'Angle histogram',
      presetId: 'quick-softmax',
      text:
        'Plain normalised softmax separates the training classes, but nothing asks a person’s photos to be close together. ' +
        'Look at the angle histogram: same-person and different-person pairs overlap widely. This is the report’s baseline.',
    },
    {
      title: '2. Softmax + intra-class penalty',
      look: 'Angle histogram',
      presetId: 'quick-softmax-intra',
      text:
        'An extra penalty α·θ_y pulls every feature towards its own class centre. ' +
        'Compare with step 1: same-person angles shrink (their histogram moves left), and the intra angle in the runs table drops.',
    },
    {
      title: '3. Margin 30°',
      look: 'Target logit',
      presetId: 'quick-margin-30',
      text:
        'ArcFace scores the true class as if the feature were 30° further from its centre, so the network must earn a 30° lead. ' +
        'The target-logit figure shows the curve shifted 30° to the left; compare the ROC curve with steps 1 and 2.',
    },
    {
      title: '4. Margin 45°',
      look: 'Loss curve',
      presetId: 'quick-margin-45',
      text:
        'A harder target: the true class must win by 45°, and from a random start most features are still 90° away. ' +
        'At this demo scale training accuracy stays near chance while the loss falls, so the larger margin verifies worse than 30°, as the report found.',
    },
    {
      title: '5. Margin 60°',
      look: 'Target logit',
      presetId: 'quick-margin-60',
      text:
        'The report wrote the margin as cos(θ + m): past θ = 120° that curve turns upward, so pushing a feature away from its class raises its logit. ' +
        'Features flee to θ ≈ 170°, the loss falls towards zero and training accuracy stays under 1%, as in the report (the collapse warning flags it). ' +
        'Tick "Fallback past π" to replace the upturn with a falling cosine and watch 60° learn.',
    },
    {
      title: '6. Alignment on and off',
      look: 'ROC curve',
      needsPhotos: true,
      text:
        'With real photos, faces must first be aligned (eyes and mouth moved to fixed places) before training. ' +
        'Load a folder of photos in the Data panel, then train the 30° margin with alignment on and off and compare the ROC curves.',
    },
  ],
});

/** Every lesson, by id. */
export const LESSONS: readonly Lesson[] = Object.freeze([MARGINS_LESSON]);

/** The lesson with this id (ids come from URLs), or undefined. */
export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** Where a lesson stands: the lesson and the 0-based index of its current step. */
export interface LessonPosition {
  lesson: Lesson;
  step: number;
}

/** Checks a lesson: every step's preset exists, texts are two or three sentences. Throws naming the step. */
export function validateLesson(lesson: Lesson): void {
  lesson.steps.forEach((step, i) => {
    if (step.presetId !== undefined && !findPreset(step.presetId)) throw new Error(`lesson ${lesson.id} step ${i + 1}: unknown preset '${step.presetId}'`);
    const sentences = step.text.split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== '').length;
    if (sentences < 2 || sentences > 3) throw new Error(`lesson ${lesson.id} step ${i + 1}: ${sentences} sentences (two or three wanted)`);
  });
}
