import { describe, expect, it } from 'vitest';
import { decodeHash, encodeHash } from '../../../src/core/hashState.ts';
import { findLesson, LESSONS, MARGINS_LESSON, validateLesson } from '../../../src/core/lessons.ts';
import { presetConfig } from '../../../src/core/presets.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';

describe('lessons', () => {
  it('tell the report’s story in order, each step runnable on the built-in data except alignment', () => {
    expect(MARGINS_LESSON.steps.map((s) => s.presetId)).toEqual(['quick-softmax', 'quick-softmax-intra', 'quick-margin-30', 'quick-margin-45', 'quick-margin-60', undefined]);
    expect(MARGINS_LESSON.steps.map((s) => presetConfigOrNull(s.presetId)?.loss.marginDeg ?? null)).toEqual([null, null, 30, 45, 60, null]);
    expect(MARGINS_LESSON.steps[5].needsPhotos).toBe(true);
    for (const lesson of LESSONS) expect(() => validateLesson(lesson)).not.toThrow();
    expect(() => validateLesson({ ...MARGINS_LESSON, steps: [{ title: 't', look: 'x', text: 'One sentence.' }] })).toThrow(/1 sentences/);
    expect(() => validateLesson({ ...MARGINS_LESSON, steps: [{ title: 't', look: 'x', presetId: 'nope', text: 'A. B.' }] })).toThrow(/unknown preset 'nope'/);
    expect(Object.isFrozen(MARGINS_LESSON.steps[0])).toBe(true);
  });

  it('round-trip their position through the URL hash (step counted from 1, clamped), opening Teach', () => {
    const config = parseTrainConfig({});
    const hash = encodeHash({ config, lesson: MARGINS_LESSON.id, step: 4, view: 'teach', present: false });
    expect(hash).toBe('#v=1&lesson=margins&step=4');
    const { state, errors, lessonError } = decodeHash(hash);
    expect([errors, lessonError]).toEqual([[], undefined]);
    expect(state).toMatchObject({ lesson: 'margins', step: 4, view: 'teach' });
    const stepOf = (text: string) => decodeHash(`#v=1&lesson=margins${text}`).state.step;
    expect([stepOf('&step=99'), stepOf('&step=x'), stepOf(''), stepOf('&step=0')]).toEqual([6, 1, 1, 1]);
    expect(decodeHash('#v=1&step=3').state.step).toBeUndefined();
    const unknown = decodeHash('#v=1&lesson=knitting&step=2');
    expect(unknown.lessonError).toMatch(/unknown lesson 'knitting'.*margins/);
    expect(unknown.state).toMatchObject({ view: 'train' });
    expect(unknown.state.lesson).toBeUndefined();
    expect(findLesson('margins')).toBe(MARGINS_LESSON);
  });
});

function presetConfigOrNull(id: string | undefined) {
  return id === undefined ? null : presetConfig(id);
}
