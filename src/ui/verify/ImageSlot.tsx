import { useEffect, useId, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { rgbToRgba } from '../../core/pixels.ts';

/** The model's input pixels, drawn at their own resolution and shown enlarged (pixelated: what the model saw). */
export function Thumbnail({ pixels, size, label }: { pixels: Uint8Array; size: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    // jsdom has no 2D context; the canvas then just stays blank.
    const context = canvas.current?.getContext('2d');
    context?.putImageData(new ImageData(rgbToRgba(pixels), size, size), 0, 0);
  }, [pixels, size]);
  return <canvas ref={canvas} width={size} height={size} className="verify-thumb" role="img" aria-label={label} data-size={size} />;
}

/** Props of one image slot. */
export interface ImageSlotProps {
  /** "Image A", "Image B", "Face to search". */
  label: string;
  onFile(file: File): void;
  /** What the model saw for the current image. */
  shown?: { pixels: Uint8Array; size: number; name: string };
  error?: string;
  disabled?: boolean;
}

/**
 * One image: drop a file on it, pick one, or focus it and paste. Hands the File to `onFile` (the
 * worker decodes it); shows the model's view of the accepted image, its file name, and any refusal.
 *
 * The file input is visually hidden behind a "Choose…" button: it is emptied after each pick (so
 * the same file can be picked again), and the browser's own control then said "No file chosen"
 * under the image it had just loaded.
 */
export function ImageSlot({ label, onFile, shown, error, disabled = false }: ImageSlotProps) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [local, setLocal] = useState<string>();

  const take = (files: FileList | null | undefined, how: string) => {
    const file = files?.[0];
    if (disabled) return;
    if (!file) {
      setLocal(`Nothing to use: the ${how} held no file.`);
      return;
    }
    setLocal(undefined);
    onFile(file);
  };

  return (
    <div
      className={dragging ? 'verify-slot dragging' : 'verify-slot'}
      role="region"
      aria-label={label}
      tabIndex={0}
      onDragOver={(event: DragEvent) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event: DragEvent) => {
        event.preventDefault();
        setDragging(false);
        take(event.dataTransfer.files, 'drop');
      }}
      onPaste={(event: ClipboardEvent) => take(event.clipboardData.files, 'paste')}
    >
      <strong>{label}</strong>
      {shown ? (
        <>
          <Thumbnail pixels={shown.pixels} size={shown.size} label={`${label} as the model sees it (${shown.size}×${shown.size}): ${shown.name}`} />
          <span className="verify-file-name">{shown.name}</span>
        </>
      ) : (
        <p className="help">Drop an image here, paste one, or pick a file.</p>
      )}
      <span className="visually-hidden">
        <label htmlFor={inputId}>Pick {label.toLowerCase()}</label>
        {/* Reached through the button: an invisible stop in the tab order would lose the keyboard user. */}
        <input
          ref={input}
          id={inputId}
          type="file"
          accept="image/*"
          disabled={disabled}
          tabIndex={-1}
          onChange={(event) => {
            take(event.currentTarget.files, 'pick');
            event.currentTarget.value = '';
          }}
        />
      </span>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        {shown ? 'Choose another file…' : 'Choose a file…'}
      </button>
      {(error ?? local) && (
        <p className="error" role="alert">
          {error ?? local}
        </p>
      )}
    </div>
  );
}
