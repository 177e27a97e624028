import { describe, expect, it } from 'vitest';
import {
  entriesOfDrop,
  filesFromDirectoryHandle,
  filesFromEntries,
  filesFromFileList,
  readAllEntries,
  type DirectoryHandleLike,
  type FileHandleLike,
} from '../../../src/ui/data/collectFiles.ts';

/** A fake FileSystemEntry tree: folders are objects, files are strings (their content); `null` fails to open. */
type Tree = { [name: string]: Tree | string | null };

/** Builds FileSystemEntry look-alikes whose readers hand out `batch` entries per call, like Chromium's (100). */
function entryOf(name: string, node: Tree | string | null, batch: number): FileSystemEntry {
  if (node === null || typeof node === 'string') {
    return {
      isFile: true,
      isDirectory: false,
      name,
      file: (ok: (f: File) => void, fail: (e: Error) => void) => queueMicrotask(() => (node === null ? fail(new Error('NotReadableError')) : ok(new File([node], name)))),
    } as unknown as FileSystemEntry;
  }
  const children = Object.entries(node);
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (e: FileSystemEntry[]) => void) => {
          const out = children.slice(at, at + batch).map(([n, c]) => entryOf(n, c, batch));
          at += out.length;
          queueMicrotask(() => ok(out));
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

const TREE: Tree = {
  平木大作: { '1.jpg': 'a', '2.jpg': 'bb', '3.jpg': 'c' },
  'José Núñez': { 'photo 1.png': 'd' },
  'Ana 😀': { nested: { 'x.jpg': 'e' }, 'locked.jpg': null },
  '.DS_Store': 'junk',
};

describe('collecting picked files', () => {
  it('reads every batch of a directory reader until it returns an empty one', async () => {
    const dir = entryOf('many', Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`${i}.jpg`, 'x'])), 3) as FileSystemDirectoryEntry;
    const names = (await readAllEntries(dir)).map((e) => e.name);
    expect(names).toEqual(['0.jpg', '1.jpg', '2.jpg', '3.jpg', '4.jpg', '5.jpg', '6.jpg']);
  });

  it('walks a dropped folder into paths that start with its name, keeping unicode names verbatim', async () => {
    const { files, unreadable } = await filesFromEntries([entryOf('faces', TREE, 2)]);
    expect(files.map((f) => f.relativePath).sort()).toEqual([
      'faces/.DS_Store',
      'faces/Ana 😀/nested/x.jpg',
      'faces/José Núñez/photo 1.png',
      'faces/平木大作/1.jpg',
      'faces/平木大作/2.jpg',
      'faces/平木大作/3.jpg',
    ]);
    const second = files.find((f) => f.relativePath.endsWith('2.jpg'))!.file;
    expect([second.name, second.size]).toEqual(['2.jpg', 2]);
    expect(unreadable).toEqual([{ path: 'faces/Ana 😀/locked.jpg', error: 'NotReadableError' }]);
  });

  it('takes only file items of a drop and their entries', () => {
    const folder = entryOf('faces', {}, 1);
    const items = [
      { kind: 'string', webkitGetAsEntry: () => null },
      { kind: 'file', webkitGetAsEntry: () => folder },
      { kind: 'file', webkitGetAsEntry: () => null },
    ] as unknown as DataTransferItem[];
    expect(entriesOfDrop(items)).toEqual([folder]);
  });

  it('uses webkitRelativePath from a folder input, and the bare name without one', () => {
    const withPath = new File(['x'], '1.jpg');
    Object.defineProperty(withPath, 'webkitRelativePath', { value: 'faces/平木大作/1.jpg' });
    const bare = new File(['y'], 'loose 😀.jpg');
    const { files } = filesFromFileList([withPath, bare]);
    expect(files.map((f) => f.relativePath)).toEqual(['faces/平木大作/1.jpg', 'loose 😀.jpg']);
    expect(files[0].file).toBe(withPath);
  });

  it('walks directory handles from showDirectoryPicker the same way', async () => {
    const handleOf = (name: string, node: Tree | string | null): DirectoryHandleLike | FileHandleLike => {
      if (node === null || typeof node === 'string') {
        return {
          kind: 'file',
          name,
          getFile: async () => {
            if (node === null) throw new Error('gone');
            return new File([node], name);
          },
        };
      }
      return {
        kind: 'directory',
        name,
        values: async function* () {
          for (const [n, c] of Object.entries(node)) yield handleOf(n, c);
        },
      };
    };
    const { files, unreadable } = await filesFromDirectoryHandle(handleOf('faces', TREE) as DirectoryHandleLike);
    const dropped = await filesFromEntries([entryOf('faces', TREE, 2)]);
    expect(files.map((f) => f.relativePath).sort()).toEqual(dropped.files.map((f) => f.relativePath).sort());
    expect(unreadable).toEqual([{ path: 'faces/Ana 😀/locked.jpg', error: 'gone' }]);
  });
});
