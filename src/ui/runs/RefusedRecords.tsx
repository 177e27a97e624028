import { useEffect, useState } from 'react';
import type { LabWorkerApi, RefusedStoredRecord } from '../../protocol/api.ts';
import type { RefusedRun } from './runRecordCheck.ts';

/** A refused record as the notice lists it: a stored run, or one of the worker's checkpoints or saved models. */
export type RefusedItem = { store: 'run'; key: string; reason: string } | RefusedStoredRecord;

/** The notice's line for one refused record. */
export function refusedLine(item: RefusedItem): string {
  const what = item.store === 'checkpoint' ? `The checkpoint of run '${item.key}'` : item.store === 'saved model' ? `The saved model '${item.key}'` : `The run '${item.key}'`;
  return `${what} was refused: ${item.reason}.`;
}

/** Props of the refused-records notice. */
export interface RefusedRecordsProps {
  /** The worker's API (undefined while it starts): its checkpoints and saved models are checked. */
  api?: Pick<LabWorkerApi, 'listRefusedRecords'>;
  /** Run records the runs store refused (useRuns). */
  runs: readonly RefusedRun[];
}

/**
 * Names every stored record that was left out as corrupt or foreign (runs, checkpoints, saved models) and why, so a
 * run or model never vanishes from the page without a word. The rest of the lists load as usual.
 */
export function RefusedRecords({ api, runs }: RefusedRecordsProps) {
  const [stored, setStored] = useState<readonly RefusedStoredRecord[]>([]);
  useEffect(() => {
    if (!api) return;
    let live = true;
    // Asked once per worker: the stores are checked as they are read, so a new worker (after a restart) asks again.
    api.listRefusedRecords().then(
      (list) => live && setStored(list),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  const items: RefusedItem[] = [...runs.map((r) => ({ store: 'run' as const, ...r })), ...stored];
  if (items.length === 0) return null;
  return (
    <div className="warning" role="alert" aria-label="Refused records">
      <p>Some records stored in this browser are corrupt or from another app, and were left out (the rest loaded):</p>
      <ul>
        {items.map((item) => (
          <li key={`${item.store}:${item.key}`}>{refusedLine(item)}</li>
        ))}
      </ul>
    </div>
  );
}
