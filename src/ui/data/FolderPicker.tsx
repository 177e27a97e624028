import { useId, useRef, useState, type DragEvent } from 'react';
import { directoryPickerOf, entriesOfDrop, filesFromDirectoryHandle, filesFromEntries, filesFromFileList, type CollectedFiles } from './collectFiles.ts';

/**
 * Pick a local folder with one button — the browser's directory picker where it has one, a folder
 * input otherwise — or by dropping a folder on the zone, all handing the same CollectedFiles to
 * `onPick`. Nothing is uploaded: the files stay in this browser.
 *
 * The folder input is always there, labelled with `label` (tests and assistive technology pick
 * folders through it), but visually hidden: shown next to the button it was a second "Choose
 * Files" control for the same thing, whose "No file chosen" contradicted a loaded folder.
 */
export function FolderPicker({ label, onPick, disabled = false }: { label: string; onPick: (files: CollectedFiles) => void; disabled?: boolean }) {
  const inputId = useId();
  const input = useRef<HTMLInputElement | null>(null);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const picker = directoryPickerOf();

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    // Entries must be taken now: the DataTransfer is emptied when this handler returns.
    const entries = entriesOfDrop(event.dataTransfer.items);
    if (entries.length === 0) {
      setError('Drop a folder (this browser gave no file entries).');
      return;
    }
    setError(undefined);
    filesFromEntries(entries).then(onPick, (err: unknown) => setError(String(err)));
  };

  const choose = async () => {
    if (!picker) {
      input.current?.click();
      return;
    }
    try {
      const handle = await picker({ mode: 'read', id: label.replace(/\W+/g, '-').toLowerCase() });
      setError(undefined);
      onPick(await filesFromDirectoryHandle(handle));
    } catch (err) {
      // Cancelling the picker rejects with AbortError: not an error for the user.
      if (!(err instanceof DOMException && err.name === 'AbortError')) setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="folder-picker">
      <span className="visually-hidden">
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          type="file"
          multiple
          disabled={disabled}
          // Reached through the button: an invisible stop in the tab order would lose the keyboard user.
          tabIndex={-1}
          // React has no typed prop for these non-standard attributes; set them on the element.
          ref={(element) => {
            input.current = element;
            element?.setAttribute('webkitdirectory', '');
            element?.setAttribute('directory', '');
          }}
          onChange={(event) => {
            const list = event.currentTarget.files;
            if (list && list.length > 0) onPick(filesFromFileList(list));
          }}
        />
      </span>
      <button type="button" onClick={() => void choose()} disabled={disabled}>
        Choose {label.toLowerCase()}…
      </button>
      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        role="region"
        aria-label={`Drop zone: ${label}`}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        or drop a folder here
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
