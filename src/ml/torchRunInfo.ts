/**
 * The run info (run.json) of a model trained by `lab export-torch`'s train.py and imported from its RUN_DIR,
 * so it is stored, exported and verified with like any saved model.
 */
import type { ModelRunInfo, TorchRunImport } from '../protocol/models.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './modelIo.ts';
import { PREPROCESSING } from './preprocess.ts';
import { noteEvaluation } from './runInfo.ts';

/** What a torch-trained model's data is called. */
export const TORCH_DATA_LABEL = 'PyTorch run (train.py)';

/**
 * The run info of an imported torch run. Its preprocessing is train.py's (labtorch/data.py load_rgb): a cover
 * resize with a centre crop, alpha dropped, no alignment in the loop — a run on `lab align` crops was aligned
 * before, which the folder does not record, so verify photos are taken as they come.
 */
export function torchRunInfo(run: TorchRunImport, classes: number, savedAt: string): ModelRunInfo {
  const noted = run.evaluation ? noteEvaluation(run.evaluation) : undefined;
  const m = run.config.model;
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    runId: run.runId,
    label: run.label,
    savedAt,
    step: run.step,
    config: run.config,
    preprocessing: {
      backbone: m.backbone,
      normalization: PREPROCESSING[m.backbone],
      inputSize: m.inputSize,
      centreCrop: true,
      background: 'black',
      aligned: false,
      flipEval: run.config.flipEval,
    },
    identities: classes,
    dataLabel: TORCH_DATA_LABEL,
    evaluation: noted?.evaluation ?? null,
    thresholds: noted?.thresholds ?? null,
  };
}
