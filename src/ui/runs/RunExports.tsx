/**
 * The runs panel's export buttons. "Export metrics CSV" and "Export metrics JSON" keep their names and files;
 * the JSON carries each run's step history (the loss curve and every other step column), and "Export loss
 * curves (CSV)" writes the same history in long format for a spreadsheet.
 */
import { downloadText } from '../download.ts';
import { lossCurvesToCsv, runsToCsv, runsToJson } from './exportRuns.ts';
import type { RunRecord } from './runRecord.ts';

const CSV = 'text/csv;charset=utf-8';

/** Props: the runs to export (all stored runs, in table order). */
export interface RunExportsProps {
  runs: readonly RunRecord[];
}

/** Export buttons for the runs' metrics and loss curves; disabled without runs. */
export function RunExports({ runs }: RunExportsProps) {
  const none = runs.length === 0;
  return (
    <div className="buttons">
      <button type="button" disabled={none} onClick={() => downloadText('margin-lab-runs.csv', runsToCsv(runs), CSV)}>
        Export metrics CSV
      </button>
      <button type="button" disabled={none} onClick={() => downloadText('margin-lab-runs.json', runsToJson(runs, { includeHistory: true }), 'application/json')}>
        Export metrics JSON
      </button>
      <button
        type="button"
        disabled={none}
        title="One row per run and step: step, loss, cross-entropy, accuracy, θ_y, learning rate, …"
        onClick={() => downloadText('margin-lab-loss-curves.csv', lossCurvesToCsv(runs), CSV)}
      >
        Export loss curves (CSV)
      </button>
    </div>
  );
}
