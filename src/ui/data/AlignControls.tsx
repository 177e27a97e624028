import { useId } from 'react';
import type { FaceDetectorName } from '../../protocol/data.ts';
import type { DataSettings } from './settings.ts';

/** Detector choices shown to the user; short, so the select fits the data panel's column. */
export const DETECTOR_LABELS: Readonly<Record<FaceDetectorName, string>> = Object.freeze({
  tiny: 'Tiny face detector',
  ssd: 'SSD MobileNet v1',
});

/** What each detector costs, under the select (measured: SSD ~15 s per 960-px photo on CPU). */
export const DETECTOR_NOTES: Readonly<Record<FaceDetectorName, string>> = Object.freeze({
  tiny: 'Fast; 193 KB of weights.',
  ssd: 'Finds more faces; 5.6 MB of weights, slow on CPU.',
});

/**
 * The "Align faces" option of the data settings: on/off, which detector, and its score threshold.
 * Aligned images are the largest face of each photo warped onto the ArcFace 112×112 template;
 * photos without a face at the threshold are left out and listed as "No face found".
 */
export function AlignControls({ settings, onChange }: { settings: DataSettings; onChange: (next: DataSettings) => void }) {
  const detectorId = useId();
  const noteId = useId();
  const scoreId = useId();
  const off = !settings.alignFaces;
  // One field per control, as the other settings: one grid of six cells put the checkbox and its label in
  // different columns, far apart, and squeezed the detector's long names into the number inputs' width.
  return (
    <span className="align-controls">
      <label className="check-field">
        <input type="checkbox" checked={settings.alignFaces} onChange={(e) => onChange({ ...settings, alignFaces: e.currentTarget.checked })} /> Align faces
      </label>
      <span className="field">
        <label htmlFor={detectorId}>Detector</label>
        <select
          id={detectorId}
          value={settings.faceDetector}
          disabled={off}
          aria-describedby={noteId}
          onChange={(e) => onChange({ ...settings, faceDetector: e.currentTarget.value as FaceDetectorName })}
        >
          {(Object.keys(DETECTOR_LABELS) as FaceDetectorName[]).map((name) => (
            <option key={name} value={name}>
              {DETECTOR_LABELS[name]}
            </option>
          ))}
        </select>
        <small id={noteId}>{DETECTOR_NOTES[settings.faceDetector]}</small>
      </span>
      <span className="field">
        <label htmlFor={scoreId}>Score threshold</label>
        <input
          id={scoreId}
          type="number"
          min={0.05}
          max={0.99}
          step={0.05}
          disabled={off}
          value={settings.faceScoreThreshold}
          onChange={(e) => {
            const value = Number(e.currentTarget.value);
            if (e.currentTarget.value !== '' && value >= 0 && value <= 1) onChange({ ...settings, faceScoreThreshold: value });
          }}
        />
      </span>
    </span>
  );
}
