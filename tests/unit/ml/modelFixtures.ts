/** The saved-model run description the model zip tests share: a width-4 tiny CNN at 32 px, seed 7, 9 identities. */
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import type { ModelRunInfo } from '../../../src/protocol/models.ts';

export const MODEL_TEST_CONFIG = parseTrainConfig({ model: { backbone: 'tiny', inputSize: 32, width: 4, embeddingDim: 8 }, seed: 7 });

/** A valid run.json for MODEL_TEST_CONFIG, with `overrides`. */
export function modelRunInfo(overrides: Partial<ModelRunInfo> = {}): ModelRunInfo {
  return {
    format: 'margin-lab-model',
    version: 1,
    runId: 'run-7',
    label: 'tiny test',
    savedAt: '2026-01-02T03:04:05.000Z',
    step: 12,
    config: MODEL_TEST_CONFIG,
    preprocessing: { backbone: 'tiny', normalization: 'symmetric', inputSize: 32, centreCrop: true, background: 'black', aligned: false, flipEval: true },
    identities: 9,
    dataLabel: 'built-in synthetic faces',
    evaluation: null,
    thresholds: { eer: 0.25, bestAccuracy: 0.3, tarAtFar: Infinity, far: 1e-3 },
    ...overrides,
  };
}
