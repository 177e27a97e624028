/*
 * Cross-origin isolation where the host cannot send headers (GitHub Pages, a plain file server): the same file is
 * the page's classic script (index.html loads it first) and the service worker it registers. The worker adds the
 * headers vite.config.ts sends in dev and preview (ISOLATION_HEADERS) to every same-origin response, pages and
 * workers included, so the page gets SharedArrayBuffer and wasm its threads. On the first visit the page reloads once,
 * when the worker takes control. Where the host sends the headers itself the page is isolated already and nothing is
 * registered. The app loads nothing from other origins, and the worker leaves their requests alone.
 */
'use strict';

/** The headers of a cross-origin-isolated page, as in vite.config.ts (tests/unit/viteWasmThreads.test.ts checks). */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Session flag: this tab already reloaded for isolation, so a browser that will not isolate is not reloaded again. */
const RELOADED = 'margin-lab:coi-reloaded';

if (typeof window === 'undefined') {
  // The service worker: take over at once (no waiting for old tabs to close) and rewrite the responses.
  self.addEventListener('install', () => self.skipWaiting());
  self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
  self.addEventListener('fetch', (event) => {
    const { request } = event;
    if (new URL(request.url).origin !== self.location.origin) return;
    // Chromium throws on this combination (a DevTools request); the browser handles it.
    if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
    event.respondWith(
      fetch(request).then((response) => {
        if (response.status === 0) return response; // opaque: its headers cannot be read or set
        const headers = new Headers(response.headers);
        for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }),
    );
  });
} else if (!window.crossOriginIsolated && window.isSecureContext && 'serviceWorker' in navigator) {
  // The page, not isolated: register the worker (scope: this file's folder, the app's root) and reload under it.
  const reloadOnce = () => {
    if (sessionStorage.getItem(RELOADED)) return;
    sessionStorage.setItem(RELOADED, '1');
    window.location.reload();
  };
  navigator.serviceWorker.register(document.currentScript.src).then(
    () => {
      // Controlled already but not isolated: the response predates the worker (a hard reload bypasses it).
      if (navigator.serviceWorker.controller) reloadOnce();
      else navigator.serviceWorker.addEventListener('controllerchange', reloadOnce);
    },
    (err) => console.warn(`Margin Lab: no cross-origin isolation, so wasm runs one thread (${err})`),
  );
} else if (window.crossOriginIsolated) {
  sessionStorage.removeItem(RELOADED);
}
