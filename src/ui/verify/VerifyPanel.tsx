import './verify.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { angleDegToCosine, cosineToAngleDeg, THRESHOLD_LABELS, thresholdOf, verdictOf, type ThresholdChoice } from '../../core/verify.ts';
import type { ModelChoice, ModelRunInfo, ModelsApi, NearestIdentitiesResult, NearestProgress, VerifiedImage } from '../../protocol/models.ts';
import { errorText, useSavedModels } from '../models/useSavedModels.ts';
import { PlotlyFigure } from '../plot/PlotlyFigure.tsx';
import { remoteCallback } from '../worker/remoteCallback.ts';
import { ImageSlot } from './ImageSlot.tsx';
import { markedHistogramFigure } from './verifyFigure.ts';

/** Props of the verify panel. */
export interface VerifyPanelProps {
  /** The worker's API (`ready.worker.api`); undefined while the worker starts. */
  api?: ModelsApi;
  /** The run whose model is the worker's current one; a new id or status re-reads the model. */
  currentRun?: { id: string; label: string; status: string };
}

type Slot = 'a' | 'b';
/** An accepted image, with the model value it was embedded for (stale once another model is chosen). */
interface Accepted extends VerifiedImage { name: string; file: File; modelValue: string; alignUsed: boolean }

const CURRENT = 'current';
const choiceOf = (value: string): ModelChoice => (value === CURRENT ? { kind: 'current' } : { kind: 'saved', id: value });

/**
 * "Verify a pair": two images, each decoded and preprocessed like the test set and embedded with the
 * chosen model (current run, saved or imported), then their angle, cosine and the verdict against the
 * chosen threshold, with the pair marked on the model's angle histogram. Plus the five nearest test
 * identities of one face.
 */
export function VerifyPanel({ api, currentRun }: VerifyPanelProps) {
  const { models } = useSavedModels(api);
  const [modelValue, setModelValue] = useState(CURRENT);
  const [align, setAlign] = useState(false);
  const [info, setInfo] = useState<ModelRunInfo>();
  const [modelError, setModelError] = useState<string>();
  const [accepted, setAccepted] = useState<Partial<Record<Slot, Accepted>>>({});
  const [errors, setErrors] = useState<Partial<Record<Slot | 'probe', string>>>({});
  const [thresholdChoice, setThresholdChoice] = useState<ThresholdChoice>('eer');
  const [manualAngle, setManualAngle] = useState(60);
  const [nearest, setNearest] = useState<NearestIdentitiesResult & { name: string }>();
  // The search under way (its progress; total 0 until the worker says how many test images it embeds), or a note that it was cancelled.
  const [searching, setSearching] = useState<NearestProgress | 'cancelled'>();
  const [working, setWorking] = useState(0);
  const choice = useMemo(() => choiceOf(modelValue), [modelValue]);
  const currentKey = currentRun ? `${currentRun.id}:${currentRun.status}` : '';

  const track = useCallback(async <T,>(work: () => Promise<T>): Promise<T> => {
    setWorking((n) => n + 1);
    try {
      return await work();
    } finally {
      setWorking((n) => n - 1);
    }
  }, []);

  // The chosen model's run info; a change of model re-embeds the images already dropped.
  useEffect(() => {
    if (!api) return;
    let live = true;
    api.describeModel(choice).then(
      (next) => {
        if (!live) return;
        setInfo(next);
        setModelError(undefined);
      },
      (err: unknown) => {
        if (!live) return;
        setInfo(undefined);
        setModelError(errorText(err));
      },
    );
    return () => {
      live = false;
    };
  }, [api, choice, currentKey]);

  // The newest request per slot wins: a reply to an older drop (slower to embed) must not replace a newer one.
  const requests = useRef({ a: 0, b: 0, probe: 0 });

  const verify = useCallback(
    async (slot: Slot, file: File) => {
      if (!api) return;
      const ticket = ++requests.current[slot];
      try {
        const result = await track(() => api.verifyImage(choice, file, { align }));
        if (ticket !== requests.current[slot]) return;
        setAccepted((prev) => ({ ...prev, [slot]: { ...result, name: file.name || 'pasted image', file, modelValue, alignUsed: align } }));
        setErrors((prev) => ({ ...prev, [slot]: undefined }));
      } catch (err) {
        if (ticket !== requests.current[slot]) return;
        // A refused image changes nothing: the previous image and figures stay.
        setErrors((prev) => ({ ...prev, [slot]: errorText(err) }));
      }
    },
    [api, choice, modelValue, align, track],
  );

  // Re-embed accepted images when the model or the alignment setting changes.
  useEffect(() => {
    for (const slot of ['a', 'b'] as const) {
      const image = accepted[slot];
      if (image && (image.modelValue !== modelValue || image.alignUsed !== align || image.model.runId !== info?.runId || image.model.step !== info?.step)) void verify(slot, image.file);
    }
    // Only a change of model (info) or of the pipeline (verify) should trigger this, not accepted itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [info, verify]);

  const search = async (file: File) => {
    if (!api) return;
    const ticket = ++requests.current.probe;
    setSearching({ done: 0, total: 0 });
    // The first search with a model embeds the whole test set (tens of seconds): the worker reports each batch and
    // stops at the next one once this search is cancelled or replaced by a newer drop (the answer turns false).
    const onProgress = remoteCallback((progress: NearestProgress) => {
      if (ticket !== requests.current.probe) return false;
      setSearching(progress);
      return true;
    });
    try {
      const result = await track(() => api.nearestIdentities(choice, file, 5, { align }, onProgress));
      if (ticket !== requests.current.probe) return;
      setNearest({ ...result, name: file.name || 'pasted image' });
      setErrors((prev) => ({ ...prev, probe: undefined }));
    } catch (err) {
      if (ticket !== requests.current.probe) return;
      setErrors((prev) => ({ ...prev, probe: errorText(err) }));
    } finally {
      if (ticket === requests.current.probe) setSearching(undefined);
    }
  };

  const cancelSearch = () => {
    requests.current.probe++;
    setSearching('cancelled');
  };

  const thresholds = info?.thresholds;
  // A model without the chosen threshold (never evaluated; TAR@FAR unknown after a restore) falls back to the slider.
  const usable = thresholdChoice === 'manual' || (thresholds && (thresholdChoice !== 'tarAtFar' || thresholds.tarAtFar !== null));
  const effectiveChoice: ThresholdChoice = usable ? thresholdChoice : 'manual';
  const threshold = thresholds && effectiveChoice !== 'manual'
    ? thresholdOf(effectiveChoice, { ...thresholds, tarAtFar: thresholds.tarAtFar ?? Number.NaN }, angleDegToCosine(manualAngle))
    : angleDegToCosine(manualAngle);
  const { a, b } = accepted;
  // Both embeddings from the same weights: same model, run and step (the current model moves while it trains).
  const sameModel = a && b && info && [a, b].every((x) => x.modelValue === modelValue && x.alignUsed === align && x.model.runId === info.runId && x.model.step === info.step);
  const verdict = sameModel && !Number.isNaN(threshold) ? verdictOf(a.embedding, b.embedding, threshold) : undefined;
  const thresholdAngle = threshold === Number.POSITIVE_INFINITY ? 0 : cosineToAngleDeg(threshold);
  const figure = useMemo(() => (info ? markedHistogramFigure(info, thresholdAngle, verdict?.angleDeg) : undefined), [info, thresholdAngle, verdict?.angleDeg]);

  return (
    <section className="panel verify-panel" aria-labelledby="verify-heading" data-busy={working > 0 ? 'true' : 'false'}>
      <h2 id="verify-heading">Verify a pair</h2>
      <div className="verify-controls">
        <label>
          Model{' '}
          <select aria-label="Model" value={modelValue} onChange={(event) => setModelValue(event.currentTarget.value)} disabled={!api}>
            <option value={CURRENT}>Current run{currentRun ? ` (${currentRun.label})` : ''}</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>{m.label}{m.source === 'imported' ? ' · imported' : ''}{m.auc === null ? '' : ` · AUC ${m.auc.toFixed(4)}`}</option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={align} onChange={(event) => setAlign(event.currentTarget.checked)} /> Align faces
        </label>
        <label>
          Threshold{' '}
          <select aria-label="Threshold" value={thresholdChoice} onChange={(event) => setThresholdChoice(event.currentTarget.value as ThresholdChoice)}>
            <option value="eer" disabled={!thresholds}>{THRESHOLD_LABELS.eer}{thresholds ? ` (${cosineToAngleDeg(thresholds.eer).toFixed(1)}°)` : ''}</option>
            <option value="bestAccuracy" disabled={!thresholds}>{THRESHOLD_LABELS.bestAccuracy}{thresholds ? ` (${cosineToAngleDeg(thresholds.bestAccuracy).toFixed(1)}°)` : ''}</option>
            <option value="tarAtFar" disabled={thresholds?.tarAtFar == null}>{THRESHOLD_LABELS.tarAtFar}</option>
            <option value="manual">manual</option>
          </select>
        </label>
        {effectiveChoice === 'manual' && (
          <label>
            Manual threshold angle{' '}
            <input type="range" min={0} max={180} step={0.5} value={manualAngle} onChange={(event) => setManualAngle(Number(event.currentTarget.value))} />{' '}
            {manualAngle.toFixed(1)}° (cos {angleDegToCosine(manualAngle).toFixed(3)})
          </label>
        )}
      </div>
      {modelError && <p className="error" role="alert">{modelError}</p>}
      {effectiveChoice === 'tarAtFar' && thresholds?.tarAtFar === Number.POSITIVE_INFINITY && (
        <p className="help">No threshold of this model reached FAR ≤ 1e-3 with any accepted pair (too few test pairs): every pair is rejected.</p>
      )}
      <div className="verify-slots">
        {(['a', 'b'] as const).map((slot) => (
          <ImageSlot key={slot} label={`Image ${slot.toUpperCase()}`} disabled={!api} onFile={(file) => void verify(slot, file)}
            shown={accepted[slot] && { pixels: accepted[slot].pixels, size: accepted[slot].size, name: accepted[slot].name }} error={errors[slot]} />
        ))}
      </div>
      <div role="status" aria-label="Verdict" className="verify-verdict" data-verdict={verdict ? (verdict.same ? 'same' : 'different') : 'none'}
        data-cosine={verdict?.cosine} data-angle={verdict?.angleDeg} data-threshold={verdict?.threshold}>
        {verdict ? (
          <>
            <strong>{verdict.label}</strong>: angle <span data-testid="pair-angle">{verdict.angleDeg.toFixed(2)}</span>°, cosine{' '}
            <span data-testid="pair-cosine">{verdict.cosine.toFixed(4)}</span>, against the {THRESHOLD_LABELS[effectiveChoice]}{' '}
            <span data-testid="threshold-angle">{verdict.thresholdAngleDeg.toFixed(2)}</span>° (cos {Number.isFinite(verdict.threshold) ? verdict.threshold.toFixed(4) : '∞'})
          </>
        ) : (
          'Drop two images to compare them.'
        )}
      </div>
      {figure && figure.data.length > 0 && (
        <PlotlyFigure name="Pair angle" data={figure.data} layout={figure.layout} height={260}
          summary={verdict ? `This pair's angle ${verdict.angleDeg.toFixed(1)}° against a threshold of ${thresholdAngle.toFixed(1)}°.` : 'The model’s test-pair angles.'} />
      )}
      <h3>Nearest test identities</h3>
      <ImageSlot label="Face to search" disabled={!api} onFile={(file) => void search(file)}
        shown={nearest && { pixels: nearest.image.pixels, size: nearest.image.size, name: nearest.name }} error={errors.probe} />
      {searching && searching !== 'cancelled' && (
        <div className="progress verify-search">
          <progress aria-label="Search progress" max={searching.total || undefined} value={searching.total ? searching.done : undefined} />
          <span role="status">{searching.total ? `Embedding test images… ${searching.done} / ${searching.total}` : 'Searching…'}</span>{' '}
          <button type="button" onClick={cancelSearch}>Cancel search</button>
        </div>
      )}
      {searching === 'cancelled' && <p className="help" role="status">Search cancelled.</p>}
      {nearest && (
        <ol aria-label="Nearest identities">
          {nearest.matches.map((m) => (
            <li key={m.name}>{m.name}: <span className="angle">{m.angleDeg.toFixed(1)}°</span> (cos {m.cosine.toFixed(3)}, mean of {m.images} images)</li>
          ))}
        </ol>
      )}
      {nearest && <p className="help">Among {nearest.identities} identities of the {nearest.testSet}.</p>}
    </section>
  );
}
