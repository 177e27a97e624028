/**
 * The one owner of window.location.hash: the page's state as the URL carries it (src/core/hashState.ts: config,
 * preset, lesson position, view, presentation mode), kept in one store that every part of the page reads through
 * hooks. Changes are written back at once: with replaceState (the back button is not flooded by every slider
 * move), except a change of view, which is a step of navigation (pushState: Back returns to the previous view).
 * A link followed in the tab (hashchange) or Back/Forward (popstate) is read over the current state.
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { decodeHash, encodeHash, sameSetup, type PageState, type ViewId } from '../core/hashState.ts';

/** The page's hash state, and what the page shows about the links that set it. */
export interface HashSnapshot {
  page: PageState;
  /** Problems of the link that opened the page (or one followed in this tab), until dismissed. */
  linkErrors: readonly string[];
  /** A problem with the link's lesson keys (lesson mode shows it). */
  lessonError?: string;
  /**
   * Times a link opened a lesson (the page's own, or one followed in this tab) since the lesson was last left or
   * started with its button: lesson mode takes the screen each time it grows.
   */
  lessonLinks: number;
}

type Listener = () => void;

const listeners = new Set<Listener>();
let snapshot: HashSnapshot | undefined;
/** The hash as last read or written by the store: anything else in the address bar is news. */
let known: string | undefined;

const hashNow = () => window.location.hash;

/** The snapshot of a page opened on `hash`. */
function opened(hash: string): HashSnapshot {
  const decoded = decodeHash(hash);
  return {
    page: decoded.state,
    linkErrors: decoded.errors,
    ...(decoded.lessonError ? { lessonError: decoded.lessonError } : {}),
    lessonLinks: decoded.state.lesson !== undefined ? 1 : 0,
  };
}

/**
 * `current` after following a link to `hash` in this tab (or Back/Forward): a link without settings keeps the setup,
 * one with the same setup keeps the page's (and its dismissed problems); a lesson position that changed counts as a
 * lesson opened by a link.
 */
function followed(current: HashSnapshot, hash: string): HashSnapshot {
  const decoded = decodeHash(hash, current.page);
  const next = decoded.state;
  const keepSetup = sameSetup(next, current.page) && decoded.errors.length === 0;
  const page: PageState = { ...next, config: keepSetup ? current.page.config : next.config };
  if (keepSetup) {
    if (current.page.preset === undefined) delete page.preset;
    else page.preset = current.page.preset;
  }
  let { lessonError, lessonLinks } = current;
  const samePosition = next.lesson === current.page.lesson && next.step === current.page.step;
  if (!samePosition || decoded.lessonError !== current.lessonError) {
    lessonError = decoded.lessonError;
    lessonLinks = next.lesson === undefined ? 0 : lessonLinks + 1;
  }
  return {
    page,
    linkErrors: keepSetup ? current.linkErrors : decoded.errors,
    ...(lessonError ? { lessonError } : {}),
    lessonLinks,
  };
}

/** The current snapshot; read afresh from the address bar when nothing listens and the hash changed meanwhile. */
function getSnapshot(): HashSnapshot {
  if (!snapshot || (listeners.size === 0 && hashNow() !== known)) {
    known = hashNow();
    snapshot = opened(known);
  }
  return snapshot;
}

/** Writes the snapshot's hash to the address bar (a new history entry when `push`). */
function writeHash(push = false): void {
  const hash = encodeHash(getSnapshot().page);
  if (hash !== hashNow()) window.history[push ? 'pushState' : 'replaceState'](null, '', hash);
  known = hashNow();
}

function notify(): void {
  for (const listener of [...listeners]) listener();
}

/** A link followed in this tab, or Back/Forward: read what changed over the current state. */
function onLocationChange(): void {
  if (hashNow() === known) return;
  snapshot = followed(getSnapshot(), hashNow());
  known = hashNow();
  writeHash();
  notify();
}

function subscribe(listener: Listener): () => void {
  if (listeners.size === 0) {
    getSnapshot();
    window.addEventListener('hashchange', onLocationChange);
    window.addEventListener('popstate', onLocationChange);
  }
  listeners.add(listener);
  // The address bar shows the page's state as the lab writes it (defaults filled in, damaged keys dropped).
  writeHash();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('hashchange', onLocationChange);
      window.removeEventListener('popstate', onLocationChange);
    }
  };
}

/** Changes the hash state: `change` gets the current snapshot and returns the next (or the same to do nothing). */
export function updateHashState(change: (current: HashSnapshot) => HashSnapshot, { push = false } = {}): void {
  const current = getSnapshot();
  const next = change(current);
  if (next === current) return;
  snapshot = next;
  writeHash(push);
  notify();
}

/** Changes the page state alone (see updateHashState). */
export function updatePage(change: (page: PageState) => PageState, options?: { push?: boolean }): void {
  updateHashState((s) => {
    const page = change(s.page);
    return page === s.page ? s : { ...s, page };
  }, options);
}

/** The hash state, following every change. */
export function useHashState(): HashSnapshot {
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** The view on screen, a command to show another, and the link that shows each (the current state with that view). */
export function useView() {
  const { page } = useHashState();
  const setView = useCallback((view: ViewId) => updatePage((p) => (p.view === view ? p : { ...p, view }), { push: true }), []);
  const hrefFor = useMemo(() => (view: ViewId) => encodeHash({ ...page, view }), [page]);
  return { view: page.view, setView, hrefFor };
}

/** Presentation mode (large type, thick lines, high contrast), remembered in the link (`present=1`). */
export function usePresentation(): [boolean, (on: boolean) => void] {
  const { page } = useHashState();
  const set = useCallback((on: boolean) => updatePage((p) => (p.present === on ? p : { ...p, present: on })), []);
  return [page.present, set];
}
