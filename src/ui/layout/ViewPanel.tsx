/**
 * One view of the workspace. Every view stays mounted while another is shown (a folder load, a sweep, a lesson's
 * position and a form's typed text go on), hidden with the `hidden` attribute; its figures learn through
 * ViewVisibleContext that they are off screen, and draw when it is shown again.
 */
import type { ReactNode } from 'react';
import type { ViewId } from '../../core/hashState.ts';
import { ViewVisibleContext } from '../plot/figureContext.ts';
import { panelId, tabId } from './ViewTabs.tsx';

/** Props of a view. */
export interface ViewPanelProps {
  view: ViewId;
  /** The view on screen. */
  active: boolean;
  children: ReactNode;
}

/** A view's panel, labelled by its tab. */
export function ViewPanel({ view, active, children }: ViewPanelProps) {
  return (
    <div role="tabpanel" id={panelId(view)} aria-labelledby={tabId(view)} hidden={!active} className={`view view-${view}`}>
      <ViewVisibleContext.Provider value={active}>{children}</ViewVisibleContext.Provider>
    </div>
  );
}
