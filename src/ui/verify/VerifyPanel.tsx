import './verify.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { angleDegToCosine, cosineToAngleDeg, THRESHOLD_LABELS, thresholdOf, verdictOf, type ThresholdChoice } from '../../core/verify.ts';
import type { NearestIdentitiesResult, NearestProgress, VerifiedImage } from '../../protocol/models.ts';
import type { ReferenceModelInfo } from '../../protocol/reference.ts';
import { errorText, useSavedModels } from '../models/useSavedModels.ts';
import { PlotlyFigure } from '../plot/PlotlyFigure.tsx';
import { remoteCallback } from '../worker/remoteCallback.ts';
import { ImageSlot } from './ImageSlot.tsx';
import { markedHistogramFigure } from './verifyFigure.ts';
import { choiceOf, CURRENT_VALUE, fromReferenceInfo, fromRunInfo, hasReference, onReferenceChanged, REFERENCE_VALUE, type VerifyApi, type VerifyModelInfo } from './verifyModel.ts';

/** Props of the verify panel. */
export interface VerifyPanelProps {
  /** The worker's API (`ready.worker.api`, which offers the reference model too); undefined while the worker starts. */
  api?: VerifyApi;
  /** The run whose model is the worker's current one; a new id or status re-reads the model. */
  currentRun?: { id: string; label: string; status: string };
}

type Slot = 'a' | 'b';
/** An accepted image, with the model value it was embedded for (stale once another model is chosen). */
interface Accepted extends VerifiedImage {
  name: string;
  file: File;
  modelValue: string;
  alignUsed: boolean;
}

/** The thresholds Verify offers: a model's evaluated ones, the slider, and the reference model's documented one. */
type VerifyThreshold = ThresholdChoice | 'reference';
const THRESHOLD_NAMES: Readonly<Record<VerifyThreshold, string>> = { ...THRESHOLD_LABELS, reference: 'face-api threshold' };

/**
 * "Verify a pair": two images, each decoded and preprocessed like the test set and embedded with the
 * chosen model (current run, saved or imported), then their angle, cosine and the verdict against the
 * chosen threshold, with the pair marked on the model's angle histogram. Plus the five nearest test
 * identities of one face.
 */
export function VerifyPanel({ api, currentRun }: VerifyPanelProps) {
  const { models } = useSavedModels(api);
  const referenceOffered = hasReference(api);
  // Until the user picks a model: the current run's once there is one, else the built-in reference (works before any training).
  const [picked, setPicked] = useState<string>();
  const modelValue = picked ?? (currentRun || !referenceOffered ? CURRENT_VALUE : REFERENCE_VALUE);
  const isReference = modelValue === REFERENCE_VALUE;
  const [alignChoice, setAlign] = useState(false);
  // The reference always finds and crops the face itself.
  const align = isReference ? true : alignChoice;
  const [info, setInfo] = useState<VerifyModelInfo>();
  const [referenceVersion, setReferenceVersion] = useState(0);
  const [modelError, setModelError] = useState<string>();
  const [accepted, setAccepted] = useState<Partial<Record<Slot, Accepted>>>({});
  const [errors, setErrors] = useState<Partial<Record<Slot | 'probe', string>>>({});
  const [thresholdChoice, setThresholdChoice] = useState<VerifyThreshold>('eer');
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

  // A baseline gives the reference thresholds on the loaded test folder: read its description again.
  useEffect(() => onReferenceChanged(() => setReferenceVersion((v) => v + 1)), []);

  // The chosen model's run info; a change of model re-embeds the images already dropped.
  useEffect(() => {
    if (!api) return;
    let live = true;
    const describe = isReference && hasReference(api) ? api.describeReference().then(fromReferenceInfo) : api.describeModel(choice).then(fromRunInfo);
    describe.then(
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
  }, [api, choice, currentKey, isReference, referenceVersion]);

  // The newest request per slot wins: a reply to an older drop (slower to embed) must not replace a newer one.
  const requests = useRef({ a: 0, b: 0, probe: 0 });

  const verify = useCallback(
    async (slot: Slot, file: File) => {
      if (!api) return;
      const ticket = ++requests.current[slot];
      try {
        const result = await track(() => (isReference && hasReference(api) ? api.verifyReference(file) : api.verifyImage(choice, file, { align })));
        if (ticket !== requests.current[slot]) return;
        setAccepted((prev) => ({ ...prev, [slot]: { ...result, name: file.name || 'pasted image', file, modelValue, alignUsed: align } }));
        setErrors((prev) => ({ ...prev, [slot]: undefined }));
      } catch (err) {
        if (ticket !== requests.current[slot]) return;
        // A refused image changes nothing: the previous image and figures stay.
        setErrors((prev) => ({ ...prev, [slot]: errorText(err) }));
      }
    },
    [api, choice, modelValue, align, track, isReference],
  );

  // Re-embed accepted images when the model or the alignment setting changes.
  useEffect(() => {
    for (const slot of ['a', 'b'] as const) {
      const image = accepted[slot];
      if (image && (image.modelValue !== modelValue || image.alignUsed !== align || image.model.runId !== info?.runId || image.model.step !== info?.step))
        void verify(slot, image.file);
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
  const referenceInfo = info?.reference;
  // A model without the chosen threshold (never evaluated; TAR@FAR unknown after a restore) falls back to the slider,
  // the reference to its documented one; face-api's threshold is the reference's alone.
  const usable =
    thresholdChoice === 'manual' ||
    (thresholdChoice === 'reference' ? referenceInfo !== undefined : thresholds && (thresholdChoice !== 'tarAtFar' || thresholds.tarAtFar !== null));
  const effectiveChoice: VerifyThreshold = usable ? thresholdChoice : referenceInfo ? 'reference' : 'manual';
  const threshold =
    effectiveChoice === 'reference' && referenceInfo
      ? angleDegToCosine(referenceInfo.thresholdDeg)
      : thresholds && effectiveChoice !== 'manual' && effectiveChoice !== 'reference'
        ? thresholdOf(effectiveChoice, { ...thresholds, tarAtFar: thresholds.tarAtFar ?? Number.NaN }, angleDegToCosine(manualAngle))
        : angleDegToCosine(manualAngle);
  const { a, b } = accepted;
  // Both embeddings from the same weights: same model, run and step (the current model moves while it trains).
  const sameModel = a && b && info && [a, b].every((x) => x.modelValue === modelValue && x.alignUsed === align && x.model.runId === info.runId && x.model.step === info.step);
  const verdict = sameModel && !Number.isNaN(threshold) ? verdictOf(a.embedding, b.embedding, threshold) : undefined;
  const thresholdAngle = threshold === Number.POSITIVE_INFINITY ? 0 : cosineToAngleDeg(threshold);
  const figure = useMemo(() => (info ? markedHistogramFigure(info.run ?? info, thresholdAngle, verdict?.angleDeg) : undefined), [info, thresholdAngle, verdict?.angleDeg]);

  return (
    <section className="panel verify-panel" aria-labelledby="verify-heading" data-busy={working > 0 ? 'true' : 'false'}>
      <h2 id="verify-heading">Verify a pair</h2>
      <div className="verify-controls">
        <label>
          Model{' '}
          <select aria-label="Model" value={modelValue} onChange={(event) => setPicked(event.currentTarget.value)} disabled={!api}>
            {referenceOffered && <option value={REFERENCE_VALUE}>Reference: face-api (128-d)</option>}
            <option value={CURRENT_VALUE}>Current run{currentRun ? ` (${currentRun.label})` : ''}</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
                {m.source === 'imported' ? ' · imported' : ''}
                {m.auc === null ? '' : ` · AUC ${m.auc.toFixed(4)}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={align} disabled={isReference} onChange={(event) => setAlign(event.currentTarget.checked)} /> Align faces
        </label>
        <label>
          Threshold{' '}
          <select aria-label="Threshold" value={effectiveChoice} onChange={(event) => setThresholdChoice(event.currentTarget.value as VerifyThreshold)}>
            {referenceInfo && (
              <option value="reference">
                {THRESHOLD_NAMES.reference} ({referenceInfo.thresholdDeg.toFixed(1)}°)
              </option>
            )}
            <option value="eer" disabled={!thresholds}>
              {THRESHOLD_LABELS.eer}
              {thresholds ? ` (${cosineToAngleDeg(thresholds.eer).toFixed(1)}°)` : ''}
            </option>
            <option value="bestAccuracy" disabled={!thresholds}>
              {THRESHOLD_LABELS.bestAccuracy}
              {thresholds ? ` (${cosineToAngleDeg(thresholds.bestAccuracy).toFixed(1)}°)` : ''}
            </option>
            <option value="tarAtFar" disabled={thresholds?.tarAtFar == null}>
              {THRESHOLD_LABELS.tarAtFar}
            </option>
            <option value="manual">manual</option>
          </select>
        </label>
        {effectiveChoice === 'manual' && (
          <label>
            Manual threshold angle <input type="range" min={0} max={180} step={0.5} value={manualAngle} onChange={(event) => setManualAngle(Number(event.currentTarget.value))} />{' '}
            {manualAngle.toFixed(1)}° (cos {angleDegToCosine(manualAngle).toFixed(3)})
          </label>
        )}
      </div>
      {modelError && (
        <p className="error" role="alert">
          {modelError}
        </p>
      )}
      {referenceInfo && <ReferenceNote reference={referenceInfo} />}
      {effectiveChoice === 'tarAtFar' && thresholds?.tarAtFar === Number.POSITIVE_INFINITY && (
        <p className="help">No threshold of this model reached FAR ≤ 1e-3 with any accepted pair (too few test pairs): every pair is rejected.</p>
      )}
      <div className="verify-slots">
        {(['a', 'b'] as const).map((slot) => (
          <ImageSlot
            key={slot}
            label={`Image ${slot.toUpperCase()}`}
            disabled={!api}
            onFile={(file) => void verify(slot, file)}
            shown={accepted[slot] && { pixels: accepted[slot].pixels, size: accepted[slot].size, name: accepted[slot].name }}
            error={errors[slot]}
          />
        ))}
      </div>
      <div
        role="status"
        aria-label="Verdict"
        className="verify-verdict"
        data-verdict={verdict ? (verdict.same ? 'same' : 'different') : 'none'}
        data-cosine={verdict?.cosine}
        data-angle={verdict?.angleDeg}
        data-threshold={verdict?.threshold}
      >
        {verdict ? (
          <>
            <strong>{verdict.label}</strong>: angle <span data-testid="pair-angle">{verdict.angleDeg.toFixed(2)}</span>°, cosine{' '}
            <span data-testid="pair-cosine">{verdict.cosine.toFixed(4)}</span>, against the {THRESHOLD_NAMES[effectiveChoice]}{' '}
            <span data-testid="threshold-angle">{verdict.thresholdAngleDeg.toFixed(2)}</span>° (cos {Number.isFinite(verdict.threshold) ? verdict.threshold.toFixed(4) : '∞'})
          </>
        ) : (
          'Drop two images to compare them.'
        )}
      </div>
      {figure && figure.data.length > 0 && (
        <PlotlyFigure
          name="Pair angle"
          data={figure.data}
          layout={figure.layout}
          height={260}
          summary={verdict ? `This pair's angle ${verdict.angleDeg.toFixed(1)}° against a threshold of ${thresholdAngle.toFixed(1)}°.` : 'The model’s test-pair angles.'}
        />
      )}
      <h3>Nearest test identities</h3>
      {isReference && <p className="help">The nearest identities are searched with a lab model: choose the current run or a saved one.</p>}
      <ImageSlot
        label="Face to search"
        disabled={!api || isReference}
        onFile={(file) => void search(file)}
        shown={nearest && { pixels: nearest.image.pixels, size: nearest.image.size, name: nearest.name }}
        error={errors.probe}
      />
      {searching && searching !== 'cancelled' && (
        <div className="progress verify-search">
          <progress aria-label="Search progress" max={searching.total || undefined} value={searching.total ? searching.done : undefined} />
          <span role="status">{searching.total ? `Embedding test images… ${searching.done} / ${searching.total}` : 'Searching…'}</span>{' '}
          <button type="button" onClick={cancelSearch}>
            Cancel search
          </button>
        </div>
      )}
      {searching === 'cancelled' && (
        <p className="help" role="status">
          Search cancelled.
        </p>
      )}
      {nearest && (
        <ol aria-label="Nearest identities">
          {nearest.matches.map((m) => (
            <li key={m.name}>
              {m.name}: <span className="angle">{m.angleDeg.toFixed(1)}°</span> (cos {m.cosine.toFixed(3)}, mean of {m.images} images)
            </li>
          ))}
        </ol>
      )}
      {nearest && (
        <p className="help">
          Among {nearest.identities} identities of the {nearest.testSet}.
        </p>
      )}
    </section>
  );
}

/** What the reference model is, where its threshold comes from, and what its baseline adds. */
function ReferenceNote({ reference }: { reference: ReferenceModelInfo }) {
  return (
    <p className="help verify-reference-note">
      face-api&rsquo;s pretrained recognition network: {reference.dim}-d descriptors of a {reference.inputSize}×{reference.inputSize} crop around the largest face (
      {reference.detector.detector} detector, score ≥ {reference.detector.scoreThreshold}), nothing trained here. Its threshold {reference.thresholdDeg.toFixed(1)}° is{' '}
      {reference.thresholdSource}.
      {reference.evaluatedOn ? ` The EER and best-accuracy thresholds are those of its baseline on the ${reference.evaluatedOn}.` : ' Load a test folder for its baseline there.'}
    </p>
  );
}
