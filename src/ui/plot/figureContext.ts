/**
 * What a figure needs to know of where it is shown: whether the view holding it is on screen (a hidden view's
 * figures wait to draw until it is shown: Plotly cannot measure a hidden container) and whether the page is in
 * presentation mode (large type, thick lines, figures filling the view). Defaults suit a figure shown on its own.
 */
import { createContext } from 'react';

/** True while the view that holds the component is on screen. */
export const ViewVisibleContext = createContext(true);

/** True in presentation mode. */
export const PresentationContext = createContext(false);
