import { useId, useState, type DragEvent } from 'react';
import { directoryPickerOf, entriesOfDrop, filesFromDirectoryHandle, filesFromEntries, filesFromFileList, type CollectedFiles } from './collectFiles.ts';

/**
 * Pick a local folder three ways — a folder input, dropping a folder on the zone, or the
 * browser's directory picker where it has one (the button is hidden otherwise) — all handing the
 * same CollectedFiles to `onPick`. Nothing is uploaded: the files stay in this browser.
 */
export function FolderPicker({ label, onPick, disabled = false }: { label: string; onPick: (files: CollectedFiles) => void; disabled?: boolean }) {
  const inputId = useId();
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
    if (!picker) return;
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
      <label htmlFor={inputId}>{label}</label>{' '}
      <input
        id={inputId}
        type="file"
        multiple
        disabled={disabled}
        // React has no typed prop for these non-standard attributes; set them on the element.
        ref={(input) => {
          input?.setAttribute('webkitdirectory', '');
          input?.setAttribute('directory', '');
        }}
        onChange={(event) => {
          const list = event.currentTarget.files;
          if (list && list.length > 0) onPick(filesFromFileList(list));
        }}
      />
      {picker && (
        <button type="button" onClick={() => void choose()} disabled={disabled}>Choose {label.toLowerCase()}…</button>
      )}
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
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
