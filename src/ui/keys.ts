/**
 * Which key presses the page's shortcuts may take: a key that the focused element uses itself (typing in a field,
 * a slider's arrows, a button's Space) is left to it.
 */

/** Elements that use the arrow keys themselves. */
const ARROW_TARGETS = 'input, textarea, select, [role="tab"], [role="slider"], [role="listbox"], [role="menu"], [role="grid"], [role="radiogroup"]';
/** Elements that Space activates, types into or scrolls. */
const SPACE_TARGETS = `${ARROW_TARGETS}, button, a[href], summary, [role="button"], [role="checkbox"], [role="switch"], [role="link"], [role="menuitem"], [role="option"], audio, video`;

function inside(target: EventTarget | null, selector: string): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return target.closest(selector) !== null;
}

/** Whether the arrow keys pressed on `target` are its own (a field, a slider, the view tabs). */
export function arrowKeysBelongTo(target: EventTarget | null): boolean {
  return inside(target, ARROW_TARGETS);
}

/** Whether Space pressed on `target` is its own (a button, a link, a checkbox, a field). */
export function spaceBelongsTo(target: EventTarget | null): boolean {
  return inside(target, SPACE_TARGETS);
}

/** Whether a key event carries a modifier (a shortcut of the browser or the system, not the page's). */
export function hasModifier(event: KeyboardEvent): boolean {
  return event.altKey || event.ctrlKey || event.metaKey || event.shiftKey;
}
