/**
 * The "Toy" setting: one click sets a 2-D or 3-D toy config (keeping the current loss), another trains
 * the current config on the toy data (8 built-in identities), so "Hypersphere" draws the circle or sphere. The
 * current config is trained as it is, whatever the page offers it from (toyRunConfig: test pairs the toy data give).
 */
import { TOY_DATA, TOY_DATA_LABEL, toyConfig, toyRunConfig, type ToyDim } from '../../core/toy.ts';
import type { DataSpec, TrainConfig } from '../../protocol/api.ts';
import { lossSummary } from '../runs/exportRuns.ts';

/** What the panel asks its parent to train (the shape of useTraining's RunRequest). */
export interface ToyRunRequest {
  config: TrainConfig;
  label: string;
  data: DataSpec;
  dataLabel: string;
}

/** Props of the toy panel. */
export interface ToyRunPanelProps {
  /** The experiment config (what "Train on toy data" trains). */
  config: TrainConfig;
  /** Replaces the experiment config (the toy presets). */
  onConfig: (config: TrainConfig) => void;
  /** Starts a run (e.g. `training.start`). */
  onTrain: (request: ToyRunRequest) => void;
  /** True while a run trains or the worker is not ready. */
  disabled: boolean;
}

/** The toy data as a DataSpec. */
export const TOY_DATA_SPEC: DataSpec = { kind: 'builtin', train: { ...TOY_DATA.train }, test: { ...TOY_DATA.test } };

/** A run label such as "Toy 2-D · arcface m=30°". */
export function toyRunLabel(config: TrainConfig): string {
  const dim = config.model.embeddingDim;
  return `Toy ${dim <= 3 ? `${dim}-D` : `${dim}-d (PCA view)`} · ${lossSummary(config.loss)}`;
}

/** The request "Train on toy data" sends for `config`. */
export function toyRunRequest(config: TrainConfig): ToyRunRequest {
  const run = toyRunConfig(config);
  return { config: run, label: toyRunLabel(run), data: TOY_DATA_SPEC, dataLabel: TOY_DATA_LABEL };
}

/** The toy panel. */
export function ToyRunPanel({ config, onConfig, onTrain, disabled }: ToyRunPanelProps) {
  const dims: ToyDim[] = [2, 3];
  const dim = config.model.embeddingDim;
  return (
    <section className="panel toy-panel" aria-labelledby="toy-heading">
      <h2 id="toy-heading">Toy: the sphere itself</h2>
      <p className="help">
        Eight identities embedded in 2 or 3 dimensions, as in the ArcFace paper’s toy figure: softmax leaves the clusters touching, a margin opens gaps between them. Watch
        “Hypersphere” at each evaluation.
      </p>
      <div className="buttons">
        {dims.map((dim) => (
          <button key={dim} type="button" disabled={disabled} onClick={() => onConfig(toyConfig(dim, config.loss))}>
            Toy {dim}-D settings
          </button>
        ))}
        <button type="button" disabled={disabled} onClick={() => onTrain(toyRunRequest(config))}>
          Train on toy data
        </button>
      </div>
      <p className="help">
        {dim <= 3
          ? `Trains the current settings (a ${dim}-D embedding: “Hypersphere” draws the ${dim === 2 ? 'circle' : 'sphere'} itself).`
          : `Trains the current settings as they are: their ${dim}-d embedding is drawn as a PCA projection. “Toy 2-D settings” or “Toy 3-D settings” draw the circle or the sphere itself.`}
      </p>
    </section>
  );
}
