import { useId } from 'react';
import type { FaceDetectorName } from '../../protocol/data.ts';
import type { DataSettings } from './settings.ts';

/** Detector choices shown to the user, with what each costs (platform notes: SSD ~15 s per 960-px photo on CPU). */
export const DETECTOR_LABELS: Readonly<Record<FaceDetectorName, string>> = Object.freeze({
  tiny: 'Tiny face detector (fast, 193 KB)',
  ssd: 'SSD MobileNet v1 (finds more faces, 5.6 MB, slow on CPU)',
});

/**
 * The "Align faces" option of the data settings: on/off, which detector, and its score threshold.
 * Aligned images are the largest face of each photo warped onto the ArcFace 112×112 template;
 * photos without a face at the threshold are left out and listed as "No face found".
 */
export function AlignControls({ settings, onChange }: { settings: DataSettings; onChange: (next: DataSettings) => void }) {
  const alignId = useId();
  const detectorId = useId();
  const scoreId = useId();
  const off = !settings.alignFaces;
  return (
    <span className="field align-controls">
      <input id={alignId} type="checkbox" checked={settings.alignFaces} onChange={(e) => onChange({ ...settings, alignFaces: e.currentTarget.checked })} />{' '}
      <label htmlFor={alignId}>Align faces</label>{' '}
      <label htmlFor={detectorId}>Detector</label>{' '}
      <select id={detectorId} value={settings.faceDetector} disabled={off} onChange={(e) => onChange({ ...settings, faceDetector: e.currentTarget.value as FaceDetectorName })}>
        {(Object.keys(DETECTOR_LABELS) as FaceDetectorName[]).map((name) => <option key={name} value={name}>{DETECTOR_LABELS[name]}</option>)}
      </select>{' '}
      <label htmlFor={scoreId}>Score threshold</label>{' '}
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
  );
}
