/**
 * The data panel's side of the worker bridge: the typed data sub-API (`api.data`). Its progress callbacks go
 * through remoteCallback (./remoteCallback.ts). Kept here because only src/ui/worker may import comlink.
 */
import type * as Comlink from 'comlink';
import type { LabWorkerApi } from '../../protocol/api.ts';
import type { DataApi } from '../../protocol/data.ts';

const dataApis = new WeakMap<object, DataApi>();

/**
 * The worker's data API. Comlink resolves `api.data.loadFolder(…)` by property path at run time,
 * but its types only offer a promise for a nested plain object, hence the cast: every DataApi
 * method already returns a promise, so the remote and the local signatures are the same.
 */
export function dataApiOf(api: Comlink.Remote<LabWorkerApi>): DataApi {
  // Each property read on a comlink proxy makes a new proxy: keep one per worker so React
  // components get a stable object (it is a dependency of their effects).
  let data = dataApis.get(api);
  if (!data) dataApis.set(api, (data = (api as unknown as { data: DataApi }).data));
  return data;
}
