/** A verify slot as a newcomer sees it: no "No file chosen" under an image it has loaded. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImageSlot } from '../../../src/ui/verify/ImageSlot.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ImageSlot', () => {
  it("keeps the browser's file control out of sight behind one button, and names the loaded file", () => {
    const onFile = vi.fn();
    const { rerender } = render(<ImageSlot label="Image A" onFile={onFile} />);
    const input = screen.getByLabelText('Pick image a') as HTMLInputElement;
    // The input is emptied after each pick (to allow picking the same file again): shown, it said "No file chosen".
    expect(input.closest('.visually-hidden')).not.toBeNull();
    expect(input.tabIndex).toBe(-1);
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Choose a file…' }));
    expect(click.mock.contexts).toEqual([input]);

    const file = new File(['x'], 'alice.png');
    fireEvent.change(input, { target: { files: [file] } });
    expect(onFile).toHaveBeenCalledWith(file);
    rerender(<ImageSlot label="Image A" onFile={onFile} shown={{ pixels: new Uint8Array(4 * 4 * 3), size: 4, name: 'alice.png' }} />);
    const slot = screen.getByRole('region', { name: 'Image A' });
    expect(slot.textContent).toContain('alice.png');
    expect(screen.getByRole('button', { name: 'Choose another file…' })).toBeTruthy();
  });
});
