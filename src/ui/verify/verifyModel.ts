/**
 * The models Verify chooses among, as one shape: the built-in reference (face-api's pretrained network, from the
 * worker's ReferenceApi), the current run's model, and saved or imported ones (ModelsApi). Pure, and the
 * reference's change notice, so the verify panel and the baseline share one definition.
 */
import type { ModelChoice, ModelEvaluation, ModelRunInfo, ModelsApi, ModelThresholds } from '../../protocol/models.ts';
import type { ReferenceApi, ReferenceModelInfo } from '../../protocol/reference.ts';

/** The chooser's value for the reference model, and for the current run's. Other values are saved models' ids. */
export const REFERENCE_VALUE = 'reference';
export const CURRENT_VALUE = 'current';

/** The worker API Verify uses: the models API, and the reference one where the worker has it (the real one does). */
export type VerifyApi = ModelsApi & Partial<ReferenceApi>;

/** Whether `api` offers the reference model. */
export const hasReference = (api: VerifyApi | undefined): api is ModelsApi & ReferenceApi =>
  typeof api?.verifyReference === 'function' && typeof api.describeReference === 'function';

/** The ModelsApi choice of a chooser value other than the reference. */
export const choiceOf = (value: string): ModelChoice => (value === CURRENT_VALUE ? { kind: 'current' } : { kind: 'saved', id: value });

/** What Verify needs to know of the chosen model. */
export interface VerifyModelInfo {
  /** Images embedded by this model carry this run id and step (a newer step or another run makes them stale). */
  runId: string;
  step: number;
  label: string;
  /** Its latest evaluation, for the thresholds and the histogram; null when it has none. */
  evaluation: ModelEvaluation | null;
  thresholds: ModelThresholds | null;
  /** The lab model's run info (absent for the reference). */
  run?: ModelRunInfo;
  /** The reference model's own description (absent for lab models). */
  reference?: ReferenceModelInfo;
}

/** A lab model's run info as Verify sees it. */
export function fromRunInfo(run: ModelRunInfo): VerifyModelInfo {
  return { runId: run.runId, step: run.step, label: run.label, evaluation: run.evaluation, thresholds: run.thresholds, run };
}

/** The reference model as Verify sees it (step 0: it never trains here). */
export function fromReferenceInfo(reference: ReferenceModelInfo): VerifyModelInfo {
  return { runId: reference.id, step: 0, label: reference.label, evaluation: reference.evaluation, thresholds: reference.thresholds, reference };
}

const listeners = new Set<() => void>();

/** Tell every mounted Verify that the reference model's description changed (a baseline gave it thresholds). */
export function referenceChanged(): void {
  for (const listener of listeners) listener();
}

/** Call `listener` on each referenceChanged(); returns the unsubscribe. */
export function onReferenceChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
