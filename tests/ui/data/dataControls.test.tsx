/** The data panel's controls as a newcomer sees them: one folder control, checkboxes beside their labels. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlignControls, DETECTOR_LABELS } from '../../../src/ui/data/AlignControls.tsx';
import { FolderPicker } from '../../../src/ui/data/FolderPicker.tsx';
import { DEFAULT_DATA_SETTINGS } from '../../../src/ui/data/settings.ts';
import { SettingsForm } from '../../../src/ui/data/SettingsForm.tsx';
import { loadStylesheets } from '../css.ts';

let unload: () => void;
beforeEach(() => {
  unload = loadStylesheets('app', 'data');
});
afterEach(() => {
  cleanup();
  unload();
  delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
  vi.restoreAllMocks();
});

describe('FolderPicker', () => {
  it('shows one button; the folder input stays, labelled, for setInputFiles and screen readers, but out of sight', () => {
    const onPick = vi.fn();
    render(<FolderPicker label="Training folder" onPick={onPick} />);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Choose training folder…']);
    const input = screen.getByLabelText('Training folder', { selector: 'input' }) as HTMLInputElement;
    expect(input.closest('.visually-hidden')).not.toBeNull();
    expect(getComputedStyle(input.closest('.visually-hidden')!).position).toBe('absolute');
    expect(input.tabIndex).toBe(-1);
    // Without a directory picker (Firefox, Safari) the button opens the folder input.
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Choose training folder…' }));
    expect(click).toHaveBeenCalledTimes(1);
    expect(click.mock.contexts[0]).toBe(input);
    // A pick through the input still loads.
    const file = new File(['x'], '1.jpg');
    Object.defineProperty(file, 'webkitRelativePath', { value: 'faces/a/1.jpg' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    expect(onPick).toHaveBeenCalledTimes(1);
  });

  it("opens the browser's directory picker from the same button where there is one", () => {
    const picker = vi.fn(() => new Promise<never>(() => undefined));
    Object.assign(window, { showDirectoryPicker: picker });
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => undefined);
    render(<FolderPicker label="Test folder" onPick={vi.fn()} />);
    expect(screen.getAllByRole('button')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Choose test folder…' }));
    expect(picker).toHaveBeenCalledWith({ mode: 'read', id: 'test-folder' });
    expect(click).not.toHaveBeenCalled();
  });
});

describe('AlignControls', () => {
  it('puts the "Align faces" checkbox inside its label, and each option in a field of its own', () => {
    const onChange = vi.fn();
    render(<AlignControls settings={DEFAULT_DATA_SETTINGS} onChange={onChange} />);
    const box = screen.getByLabelText('Align faces');
    expect(box.closest('label')?.textContent?.trim()).toBe('Align faces');
    fireEvent.click(box);
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_DATA_SETTINGS, alignFaces: true });
    const detector = screen.getByLabelText('Detector') as HTMLSelectElement;
    const score = screen.getByLabelText('Score threshold');
    expect(detector.closest('.field')).not.toBe(score.closest('.field'));
    expect(detector.closest('.field')?.querySelector('label')?.textContent).toBe('Detector');
  });

  it('lets the detector select size itself to its names, which are short, with the costs written under it', () => {
    render(<AlignControls settings={{ ...DEFAULT_DATA_SETTINGS, alignFaces: true, faceDetector: 'ssd' }} onChange={vi.fn()} />);
    const detector = screen.getByLabelText('Detector') as HTMLSelectElement;
    // The settings' number fields are 7.5rem wide, which cut "SSD MobileNet v1 (finds more faces, …)" off.
    expect(getComputedStyle(detector).width).toBe('auto');
    expect(Array.from(detector.options, (o) => o.textContent)).toEqual(Object.values(DETECTOR_LABELS));
    for (const name of Object.values(DETECTOR_LABELS)) expect(name.length).toBeLessThanOrEqual(20);
    expect(screen.getByRole('combobox', { name: 'Detector', description: /slow on CPU/ })).toBe(detector);
  });
});

describe('SettingsForm', () => {
  it('puts the "Centre crop" checkbox inside its label as well', () => {
    render(<SettingsForm settings={DEFAULT_DATA_SETTINGS} onChange={vi.fn()} />);
    expect(screen.getByLabelText('Centre crop to a square').closest('label')?.textContent?.trim()).toBe('Centre crop to a square');
  });
});
