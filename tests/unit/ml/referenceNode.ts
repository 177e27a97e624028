/** face-api in Node for the reference model's tests: the wasm backend, the tiny detector and the recognition network. */
import { loadNodeFaceApi } from '../../../src/cli/commands/align.ts';
import { startBackend } from '../../../src/cli/commands/train.ts';
import { loadFaceModels } from '../../../src/ml/align/faceApi.ts';
import { loadReferenceNet, type ReferenceFaceApi } from '../../../src/ml/reference/referenceNet.ts';

/** Starts wasm and loads face-api's tiny detector and recognition network from node_modules. */
export async function loadReferenceFaceApiInNode(): Promise<ReferenceFaceApi> {
  await startBackend('wasm');
  const loaded = loadNodeFaceApi();
  const faceapi = loaded.faceapi as ReferenceFaceApi;
  await loadFaceModels(faceapi, 'tiny', loaded.readModel);
  await loadReferenceNet(faceapi, loaded.readModel);
  return faceapi;
}
