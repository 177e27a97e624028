/**
 * The runs table's "Run" cell: the run's label, when it started and on what data, and an in-line rename (a
 * button that turns into a labelled text field; Enter or Save keeps the name, Escape or Cancel leaves it).
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { RunRecord } from './runRecord.ts';
import { userName } from './runLabels.ts';

/** Props of the Run cell. */
export interface RunNameCellProps {
  run: RunRecord;
  /** The label the page shows for the run (runLabels). */
  label: string;
  /** The label without the user's name, shown on hover of a renamed run. */
  generatedLabel: string;
  /** Called with the new name; a blank one clears it. Absent: no rename offered. */
  onRename?: (id: string, name: string) => void;
}

/** "1 Dec 2026, 03:12" in the user's locale, or the raw text of a bad time. */
export function formatStart(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The Run cell. */
export function RunNameCell({ run, label, generatedLabel, onRename }: RunNameCellProps) {
  const [draft, setDraft] = useState<string>();
  const renameButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const editing = draft !== undefined;

  // Back on the Rename button after an edit, so a keyboard user is not dropped at the top of the page.
  useEffect(() => {
    if (!editing && returnFocus.current) {
      returnFocus.current = false;
      renameButton.current?.focus();
    }
  }, [editing]);

  const finish = (name?: string) => {
    if (name !== undefined) onRename?.(run.id, name);
    returnFocus.current = true;
    setDraft(undefined);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    finish(draft);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') finish();
  };

  return (
    <>
      {editing ? (
        <form className="run-rename" onSubmit={submit}>
          {/* Focus moves into the field the user just asked to edit. */}
          <input
            type="text"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            aria-label={`New name for ${label}`}
            placeholder={generatedLabel}
            autoFocus
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => finish()}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <span className="run-label" title={userName(run) ? generatedLabel : undefined}>
            {label}
          </span>
          {onRename && (
            <button type="button" className="run-rename-button" ref={renameButton} aria-label={`Rename ${label}`} onClick={() => setDraft(userName(run) ?? '')}>
              Rename
            </button>
          )}
        </>
      )}
      <div className="run-data">
        started <time dateTime={run.startedAt}>{formatStart(run.startedAt)}</time> · {run.dataLabel}
      </div>
    </>
  );
}
