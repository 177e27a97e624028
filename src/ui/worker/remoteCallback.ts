/**
 * Callbacks handed to the lab worker (progress, "keep going?") outside the data panel: functions are not
 * structured-cloneable, so comlink.proxy sends a port instead. Here because only src/ui/worker may import comlink.
 */
import * as Comlink from 'comlink';

/**
 * `callback`, marked so that comlink passes it to the worker as a proxy; the worker's calls then resolve to its
 * return value. Harmless when the API is local (tests, fakes): the function is returned as is, only marked.
 */
export function remoteCallback<A extends unknown[], R>(callback: (...args: A) => R): (...args: A) => R {
  return Comlink.proxy(callback);
}
