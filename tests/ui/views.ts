/** The workspace's views in page tests: switch with the top bar's tabs, and start each test from a bare URL. */
import { act, fireEvent, screen } from '@testing-library/react';

/** The views' tab names. */
export type ViewName = 'Train' | 'Compare' | 'Teach' | 'Verify' | 'Data';

/** Shows a view by clicking its tab in the top bar. */
export function showView(name: ViewName): void {
  act(() => {
    fireEvent.click(screen.getByRole('tab', { name }));
  });
}

/** A bare URL (no hash): the page opens on the Quick demo in Train, as a new visitor's does. */
export function resetUrl(): void {
  window.history.replaceState(null, '', '/');
}

/** A URL that opens the page on `view` (as a link to it would), the Quick demo set up. */
export function openOn(view: Lowercase<ViewName>): void {
  window.history.replaceState(null, '', `/#view=${view}`);
}
