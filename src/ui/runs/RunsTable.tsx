/**
 * The runs table: one row per run with its label (renamable), its config in a line and its latest verification
 * figures, sortable by any column, a "Show on plots" checkbox per row (selection owned by the parent) and a
 * two-step Delete. Every row stays a line or two tall: long messages are cut to one line (RunMessage).
 */
import { useMemo, useState } from 'react';
import type { RunRecord } from './runRecord.ts';
import { generatedLabels, runLabels } from './runLabels.ts';
import { COLUMNS, compareBy, type CellContext, type SortDirection } from './runColumns.tsx';
import './runs.css';

export { formatAuc, formatDuration, formatPercent } from './runColumns.tsx';

/** Props: the runs (shown in this order until a header is clicked) and who owns the selection and deletion. */
export interface RunsTableProps {
  runs: RunRecord[];
  /** Ids of the runs drawn on the plots. */
  selected: Set<string>;
  /** Called with a new set when a "Show on plots" box is ticked or cleared. */
  onSelectedChange: (next: Set<string>) => void;
  /** Called after the user confirmed deleting a run. */
  onDelete: (id: string) => void;
  /** Called with a run's new name (blank: back to its generated label); absent: runs cannot be renamed. */
  onRename?: (id: string, name: string) => void;
}

/** Props of one row: its run, labels, and the row's share of the table's state. */
interface RunRowProps {
  run: RunRecord;
  cell: CellContext;
  shown: boolean;
  /** Its Delete asks for confirmation now. */
  confirming: boolean;
  onShow(show: boolean): void;
  onConfirming(on: boolean): void;
  onDelete(): void;
}

/** One run's row: "Show on plots", the columns, and Delete with its in-line confirmation. */
function RunRow({ run, cell, shown, confirming, onShow, onConfirming, onDelete }: RunRowProps) {
  const { label } = cell;
  return (
    <tr data-run-id={run.id} className={`run-row run-row-${run.status}`}>
      <td>
        <input type="checkbox" aria-label={`Show ${label} on plots`} checked={shown} onChange={(event) => onShow(event.target.checked)} />
      </td>
      {COLUMNS.map((column) => (
        <td key={column.header} className={column.numeric ? 'numeric' : undefined}>
          {column.cell(run, cell)}
        </td>
      ))}
      <td className="run-actions">
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              aria-label={`Confirm delete ${label}`}
              onClick={() => {
                onConfirming(false);
                onDelete();
              }}
            >
              Confirm delete
            </button>
            <button type="button" onClick={() => onConfirming(false)} aria-label={`Keep ${label}`}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => onConfirming(true)} aria-label={`Delete ${label}`}>
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}

/** The runs table. */
export function RunsTable({ runs, selected, onSelectedChange, onDelete, onRename }: RunsTableProps) {
  const [sort, setSort] = useState<{ header: string; direction: SortDirection }>();
  const [confirming, setConfirming] = useState<string>();

  const context = useMemo(() => {
    const labels = runLabels(runs);
    const generated = generatedLabels(runs);
    return (run: RunRecord): CellContext => ({ label: labels.get(run.id) ?? run.label, generatedLabel: generated.get(run.id) ?? run.label, onRename });
  }, [runs, onRename]);

  const rows = useMemo(() => {
    const column = sort && COLUMNS.find((c) => c.header === sort.header);
    return column ? [...runs].sort(compareBy(column, sort.direction, context)) : runs;
  }, [runs, sort, context]);

  const toggleSort = (header: string) =>
    setSort((current) => ({ header, direction: current?.header === header && current.direction === 'ascending' ? 'descending' : 'ascending' }));

  const toggleSelected = (id: string, show: boolean) => {
    const next = new Set(selected);
    if (show) next.add(id);
    else next.delete(id);
    onSelectedChange(next);
  };

  return (
    <table className="runs-table">
      <caption className="visually-hidden">Training runs; click a column header to sort.</caption>
      <thead>
        <tr>
          <th scope="col">Show on plots</th>
          {COLUMNS.map((column) => {
            const direction = sort?.header === column.header ? sort.direction : undefined;
            return (
              <th key={column.header} scope="col" aria-sort={direction ?? 'none'} title={column.title} className={column.numeric ? 'numeric' : undefined}>
                <button type="button" className="sort-button" onClick={() => toggleSort(column.header)}>
                  {column.header}
                  <span aria-hidden="true" className="sort-mark">
                    {direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}
                  </span>
                </button>
              </th>
            );
          })}
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={COLUMNS.length + 2} className="runs-empty">
              No runs yet. Pick a preset and start training, or run all presets to compare the losses.
            </td>
          </tr>
        )}
        {rows.map((run) => (
          <RunRow
            key={run.id}
            run={run}
            cell={context(run)}
            shown={selected.has(run.id)}
            confirming={confirming === run.id}
            onShow={(show) => toggleSelected(run.id, show)}
            onConfirming={(on) => setConfirming(on ? run.id : undefined)}
            onDelete={() => onDelete(run.id)}
          />
        ))}
      </tbody>
    </table>
  );
}
