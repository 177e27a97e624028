/**
 * The three ways of picking a local folder, all ending in the same `PickedFile[]` whose paths
 * start with the picked folder's own name ('faces/平木大作/1.jpg'), as the folder input's
 * `webkitRelativePath` does; the worker then applies one set of ingestion rules to all of them.
 *
 * 1. `<input type="file" webkitdirectory multiple>`: File.webkitRelativePath.
 * 2. Dropping a folder: DataTransferItem.webkitGetAsEntry() → FileSystemDirectoryEntry trees.
 *    `readEntries` returns entries in batches (Chromium: 100 at a time), so it is called until it
 *    returns an empty batch. Entries must be taken from the items during the drop event itself:
 *    the DataTransfer is emptied once the handler returns.
 * 3. `showDirectoryPicker()` (File System Access API, Chromium only): directory handles.
 * Paths are built from entry names, not `fullPath`, so all three spell them the same way.
 */
import type { PickedFile } from '../../protocol/data.ts';

/** A file that was listed but could not be opened (its reason becomes 'unreadable'). */
export interface UnreadableFile {
  readonly path: string;
  readonly error: string;
}

/** What a pick produced: the files, and any that could not be opened. */
export interface CollectedFiles {
  readonly files: PickedFile[];
  readonly unreadable: UnreadableFile[];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Files of a folder input (`webkitdirectory`); a plain multi-file pick keeps bare names. */
export function filesFromFileList(list: ArrayLike<File>): CollectedFiles {
  const files: PickedFile[] = [];
  for (let i = 0; i < list.length; i++) {
    const file = list[i];
    files.push({ file, relativePath: file.webkitRelativePath || file.name });
  }
  return { files, unreadable: [] };
}

/** Every entry of a directory, reading batches until the reader returns an empty one. */
export async function readAllEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Walk one dropped entry (file or folder tree) into `out`, with `path` as its relative path. */
async function walkEntry(entry: FileSystemEntry, path: string, out: CollectedFiles): Promise<void> {
  if (entry.isFile) {
    try {
      out.files.push({ file: await fileOf(entry as FileSystemFileEntry), relativePath: path });
    } catch (err) {
      out.unreadable.push({ path, error: errorText(err) });
    }
    return;
  }
  if (!entry.isDirectory) return;
  let children: FileSystemEntry[];
  try {
    children = await readAllEntries(entry as FileSystemDirectoryEntry);
  } catch (err) {
    out.unreadable.push({ path: `${path}/`, error: errorText(err) });
    return;
  }
  for (const child of children) await walkEntry(child, `${path}/${child.name}`, out);
}

/**
 * Files of dropped entries. Take the entries with `entriesOfDrop` inside the drop handler, then
 * walk them here (asynchronously) — a dropped folder's name becomes the first path segment.
 */
export async function filesFromEntries(entries: readonly FileSystemEntry[]): Promise<CollectedFiles> {
  const out: CollectedFiles = { files: [], unreadable: [] };
  for (const entry of entries) await walkEntry(entry, entry.name, out);
  return out;
}

/** The file-system entries of a drop, read synchronously (call inside the drop event handler). */
export function entriesOfDrop(items: DataTransferItemList | ArrayLike<DataTransferItem>): FileSystemEntry[] {
  const entries: FileSystemEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The parts of the File System Access API used here (not yet in TypeScript's DOM lib with iteration). */
export interface DirectoryHandleLike {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}

/** A file handle of the File System Access API. */
export interface FileHandleLike {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}

/** Files under a directory handle from `showDirectoryPicker`, paths starting with its name. */
export async function filesFromDirectoryHandle(handle: DirectoryHandleLike, path = handle.name, out: CollectedFiles = { files: [], unreadable: [] }): Promise<CollectedFiles> {
  let children: (DirectoryHandleLike | FileHandleLike)[] = [];
  try {
    for await (const child of handle.values()) children.push(child);
  } catch (err) {
    out.unreadable.push({ path: `${path}/`, error: errorText(err) });
    children = [];
  }
  for (const child of children) {
    const childPath = `${path}/${child.name}`;
    if (child.kind === 'directory') {
      await filesFromDirectoryHandle(child, childPath, out);
      continue;
    }
    try {
      out.files.push({ file: await child.getFile(), relativePath: childPath });
    } catch (err) {
      out.unreadable.push({ path: childPath, error: errorText(err) });
    }
  }
  return out;
}

/** `window.showDirectoryPicker`, where the browser has it (Chromium desktop; not Firefox or Safari). */
export type ShowDirectoryPicker = (options?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<DirectoryHandleLike>;

/** The directory picker of this browser, or undefined when it has none (then the button is hidden). */
export function directoryPickerOf(win: Window = window): ShowDirectoryPicker | undefined {
  const picker = (win as Window & { showDirectoryPicker?: ShowDirectoryPicker }).showDirectoryPicker;
  return typeof picker === 'function' ? picker.bind(win) : undefined;
}
