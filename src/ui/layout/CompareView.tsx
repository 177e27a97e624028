/**
 * Compare: the runs table (the run training now among them, its step advancing), the ticked runs overlaid on their
 * own loss curves, angle histograms and ROC curves, run exports and imports, and "Reproduce the report".
 */
import { memo } from 'react';
import { AngleHistogram, LossCurve, RocCurve } from '../panels/Figures.tsx';
import { ReproduceReport } from '../report/ReproduceReport.tsx';
import { ImportRunDir } from '../runs/ImportRunDir.tsx';
import { RefusedRecords } from '../runs/RefusedRecords.tsx';
import { RunExports } from '../runs/RunExports.tsx';
import { RunsTable as RunsTableView } from '../runs/RunsTable.tsx';
import { REPRODUCE_TITLE, type Lab } from '../useLab.ts';

// Its props stay the same while a run trains off screen: skipping its re-render keeps live updates cheap.
const RunsTable = memo(RunsTableView);

/** The Compare view; `active` while it is on screen (only then does the table follow the live run). */
export function CompareView({ lab, active }: { lab: Lab; active: boolean }) {
  const { runs, selected, setSelected, renameRun, refusedRuns } = lab.runs;
  return (
    <div className="compare-view">
      <section className="panel runs-panel" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        <RefusedRecords api={lab.api} runs={refusedRuns} />
        <RunsTable runs={active ? lab.liveRuns : runs} selected={selected} onSelectedChange={setSelected} onDelete={lab.deleteRunAndCheckpoint} onRename={renameRun} />
        <RunExports runs={runs} />
        <ImportRunDir api={lab.api} onRun={lab.runs.saveRun} />
      </section>
      <section className="panel compare-figures" aria-labelledby="compare-figures-heading">
        <h2 id="compare-figures-heading">Ticked runs, overlaid</h2>
        <div className="figures">
          <LossCurve runs={lab.leadRuns} name="Runs loss curve" />
          <AngleHistogram runs={lab.shownRuns} name="Runs angle histogram" />
          <RocCurve runs={lab.shownRuns} name="Runs ROC curve" />
        </div>
      </section>
      <ReproduceReport
        runs={runs}
        foldersLoaded={lab.folderData !== undefined}
        folderLabel={lab.folderData?.label}
        disabled={lab.busy || !lab.ready}
        onRun={lab.reproduce}
        parallelJobs={lab.sweepJobs}
        backend={lab.backend}
        sweepRunning={lab.sweep.running || lab.queue?.title === REPRODUCE_TITLE}
        sweepJobs={lab.sweep.jobs}
        onStop={lab.stop}
      />
    </div>
  );
}
