import { useState } from 'react';
import type { SkipCode, SkippedFile } from '../../protocol/data.ts';

/** Group titles, in the order the groups are shown (the ingestion rules' order). */
export const SKIP_GROUP_TITLES: Readonly<Record<SkipCode, string>> = Object.freeze({
  hidden: 'Hidden or system files',
  unreadable: 'Could not be read',
  'outside-identity': 'Outside any identity folder',
  'zero-bytes': 'Empty files',
  'not-image': 'Not images',
  'unsupported-format': 'Unsupported image formats',
  corrupt: 'Corrupt or truncated',
  'no-face': 'No face found (alignment)',
});

/** Files listed per group before a "show all" button (a folder can hold thousands of stray files). */
export const SKIP_LIST_LIMIT = 200;

/** Skipped files grouped by reason code, groups in SKIP_GROUP_TITLES order, files in input order. */
export function groupSkipped(skipped: readonly SkippedFile[]): { code: SkipCode; files: SkippedFile[] }[] {
  const groups = new Map<SkipCode, SkippedFile[]>();
  for (const file of skipped) {
    const list = groups.get(file.reason.code) ?? [];
    list.push(file);
    groups.set(file.reason.code, list);
  }
  return (Object.keys(SKIP_GROUP_TITLES) as SkipCode[]).filter((code) => groups.has(code)).map((code) => ({ code, files: groups.get(code)! }));
}

function SkipGroup({ code, files }: { code: SkipCode; files: SkippedFile[] }) {
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? files : files.slice(0, SKIP_LIST_LIMIT);
  return (
    <details className="skip-group" data-code={code}>
      <summary>
        {SKIP_GROUP_TITLES[code]} ({files.length})
      </summary>
      <ul>
        {shown.map((f) => (
          <li key={f.path}>
            <code>{f.path}</code> — {f.reason.message}
          </li>
        ))}
      </ul>
      {shown.length < files.length && (
        <button type="button" onClick={() => setShowAll(true)}>
          Show all {files.length} files
        </button>
      )}
    </details>
  );
}

/** Every file that is not counted as an image, with its reason, grouped and collapsible. */
export function SkippedReport({ skipped, label = 'Skipped files' }: { skipped: readonly SkippedFile[]; label?: string }) {
  if (skipped.length === 0) return <p className="skipped-none">No files skipped.</p>;
  return (
    <section aria-label={label} className="skipped-report">
      <h4>
        {label}: {skipped.length}
      </h4>
      {groupSkipped(skipped).map((group) => (
        <SkipGroup key={group.code} code={group.code} files={group.files} />
      ))}
    </section>
  );
}
