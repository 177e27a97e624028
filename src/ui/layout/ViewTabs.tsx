/**
 * The top bar's view tabs: Train, Compare, Teach, Verify, Data. Each is a link to the page's state with that view
 * (`#…&view=compare`: it can be opened in a new tab or copied) that switches the view in place when clicked, so
 * "Train" the view is a tab and never a button named like the "Train" button. Arrow keys, Home and End move
 * between the tabs (the tabs pattern: one tab in the Tab order, the selected one).
 */
import { useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { VIEWS, type ViewId } from '../../core/hashState.ts';

/** Each view's name in the top bar. */
export const VIEW_NAMES: Readonly<Record<ViewId, string>> = Object.freeze({
  train: 'Train',
  compare: 'Compare',
  teach: 'Teach',
  verify: 'Verify',
  data: 'Data',
});

/** The id of a view's tab and of its panel (aria-controls, aria-labelledby). */
export const tabId = (view: ViewId) => `tab-${view}`;
export const panelId = (view: ViewId) => `view-${view}`;

/** Props of the view tabs. */
export interface ViewTabsProps {
  view: ViewId;
  onView(view: ViewId): void;
  /** The link of each view (the page's state with that view). */
  hrefFor(view: ViewId): string;
}

/** The view tabs. */
export function ViewTabs({ view, onView, hrefFor }: ViewTabsProps) {
  const list = useRef<HTMLDivElement>(null);
  const show = (next: ViewId) => {
    onView(next);
    list.current?.querySelector<HTMLElement>(`#${tabId(next)}`)?.focus();
  };
  const onClick = (event: MouseEvent, next: ViewId) => {
    // A click with a modifier opens the link as the browser would (a new tab or window).
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onView(next);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const at = VIEWS.indexOf(view);
    const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: VIEWS.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    show(VIEWS[(moves[event.key] + VIEWS.length) % VIEWS.length]);
  };
  return (
    <nav className="view-tabs" aria-label="Lab views">
      <div role="tablist" aria-label="Views" ref={list} onKeyDown={onKeyDown}>
        {VIEWS.map((v) => (
          <a
            key={v}
            id={tabId(v)}
            role="tab"
            href={hrefFor(v)}
            aria-selected={v === view}
            aria-controls={panelId(v)}
            tabIndex={v === view ? 0 : -1}
            onClick={(event) => onClick(event, v)}
          >
            {VIEW_NAMES[v]}
          </a>
        ))}
      </div>
    </nav>
  );
}
