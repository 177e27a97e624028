import { useEffect, useState } from 'react';
import type { AlignPreview as Preview, DataApi, FolderRole } from '../../protocol/data.ts';
import type { FolderLoadState } from './useFolderLoad.ts';

interface Shown {
  preview: Preview;
  /** [original, crop] object URLs per item; revoked when replaced. */
  urls: [string, string][];
}

/**
 * What "Align faces" did to a loaded folder: counts of faces aligned and not found, and a grid of
 * originals (the chosen face boxed, its 5 points marked) next to their aligned crops. Shows
 * nothing for a folder loaded without alignment.
 */
export function AlignPreview({ data, role, title, state }: { data: DataApi | undefined; role: FolderRole; title: string; state: FolderLoadState }) {
  const [shown, setShown] = useState<Shown | undefined>();
  const [error, setError] = useState<string | undefined>();
  const loaded = state.phase === 'loaded' && state.report.align ? state : undefined;
  const loadNumber = loaded?.loadNumber;

  useEffect(() => {
    if (loadNumber === undefined || !data?.alignPreview) return;
    let live = true;
    let created: [string, string][] = [];
    data.alignPreview(role).then(
      (preview) => {
        if (!live) return;
        created = preview.items.map((item) => [URL.createObjectURL(item.original), URL.createObjectURL(item.crop)]);
        setShown({ preview, urls: created });
        setError(undefined);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
      for (const pair of created) for (const url of pair) URL.revokeObjectURL(url);
    };
  }, [data, role, loadNumber]);

  if (!loaded?.report.align) return null;
  const { align } = loaded.report;
  const label = `${title}: aligned faces`;
  return (
    <section aria-label={label} className="align-preview">
      <h4>{label}</h4>
      <p role="status" aria-label={`${title} alignment counts`}>
        <span data-count="aligned">{align.aligned.toLocaleString('en-US')}</span> aligned, <span data-count="no-face">{align.noFace.toLocaleString('en-US')}</span> without a face
        (left out) — {align.detector} detector, score ≥ {align.scoreThreshold}
      </p>
      {error && (
        <p className="error" role="alert">
          Alignment preview: {error}
        </p>
      )}
      {!error && !shown && <p aria-live="polite">Loading the alignment preview…</p>}
      {shown && (
        <ul className="align-grid">
          {shown.preview.items.map((item, i) => (
            <li key={item.path}>
              <figure>
                <img src={shown.urls[i][0]} alt={`${item.path}, original`} />
                <img src={shown.urls[i][1]} alt={`${item.path}, aligned`} width={112} height={112} />
                <figcaption title={item.path}>
                  {item.path.split('/').pop()} · {item.faces} {item.faces === 1 ? 'face' : 'faces'} · {item.score.toFixed(2)}
                </figcaption>
              </figure>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
