import { describe, expect, it } from 'vitest';
import { encodeConfigHash, decodeConfigHash } from '../../../src/core/configCodec.ts';
import { findLesson, LESSONS, lessonExtras, lessonFromExtras, MARGINS_LESSON, readHashKeys, validateLesson, withHashKeys } from '../../../src/core/lessons.ts';
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

  it('round-trip their position through the URL hash (step counted from 1, clamped)', () => {
    const config = parseTrainConfig({});
    const hash = encodeConfigHash(config, lessonExtras({ lesson: MARGINS_LESSON, step: 3 }));
    expect(hash).toBe('#v=1&lesson=margins&step=4');
    const { extras, errors } = decodeConfigHash(hash);
    expect(errors).toEqual([]);
    expect(lessonFromExtras(extras).position).toEqual({ lesson: MARGINS_LESSON, step: 3 });
    expect(lessonFromExtras({ lesson: 'margins', step: '99' }).position?.step).toBe(5);
    expect(lessonFromExtras({ lesson: 'margins', step: 'x' }).position?.step).toBe(0);
    expect(lessonFromExtras({ lesson: 'margins' }).position?.step).toBe(0);
    expect(lessonFromExtras({})).toEqual({});
    expect(lessonFromExtras({ lesson: 'knitting' }).error).toMatch(/unknown lesson 'knitting'.*margins/);
    expect(findLesson('margins')).toBe(MARGINS_LESSON);
  });
});

describe('hash keys', () => {
  it('reads and sets single keys without touching the others', () => {
    const hash = '#v=1&lr=0.5&preset=quick-demo&lesson=margins&step=2';
    expect(readHashKeys(hash, ['lesson', 'step', 'tab'])).toEqual({ lesson: 'margins', step: '2' });
    expect(withHashKeys(hash, { step: '3' })).toBe('#v=1&lr=0.5&preset=quick-demo&lesson=margins&step=3');
    expect(withHashKeys(hash, { lesson: undefined, step: undefined })).toBe('#v=1&lr=0.5&preset=quick-demo');
    expect(withHashKeys('', { lesson: 'a b' })).toBe('#lesson=a%20b');
    expect(withHashKeys('#step=1', { step: undefined })).toBe('');
  });
});

function presetConfigOrNull(id: string | undefined) {
  return id === undefined ? null : presetConfig(id);
}
