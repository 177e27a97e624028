/**
 * The lab's root component: layout only. The state and its commands come from useLab; the URL hash (view, config,
 * lesson, presentation mode) from useHashState. A top bar in sight in every view (tabs, run progress, backend) over
 * five views that all stay mounted: Train, Compare, Teach, Verify and Data.
 */
import { memo, useEffect } from 'react';
import { DataPanel as DataPanelView } from './data/DataPanel.tsx';
import { CompareView } from './layout/CompareView.tsx';
import { TopBar } from './layout/TopBar.tsx';
import { TrainView } from './layout/TrainView.tsx';
import { useSpaceToPause } from './layout/useSpaceToPause.ts';
import { ViewPanel } from './layout/ViewPanel.tsx';
import { SavedModels } from './models/SavedModels.tsx';
import { PresentationContext } from './plot/figureContext.ts';
import { TeachingViews } from './teach/TeachingViews.tsx';
import { useLab } from './useLab.ts';
import { usePresentation, useView } from './useHashState.ts';
import { ReferenceBaseline } from './verify/ReferenceBaseline.tsx';
import { VerifyPanel } from './verify/VerifyPanel.tsx';

// Its props stay the same while a run trains: skipping its re-render keeps live updates cheap.
const DataPanel = memo(DataPanelView);

/** The lab. */
export function App() {
  const lab = useLab();
  const { view, setView, hrefFor } = useView();
  const [presentation, setPresentation] = usePresentation();
  const { experiment, training } = lab;
  useSpaceToPause(training);
  // Presentation mode scales the whole page (rem units included) from the root element.
  useEffect(() => {
    document.documentElement.classList.toggle('presentation', presentation);
    return () => document.documentElement.classList.remove('presentation');
  }, [presentation]);

  return (
    <PresentationContext.Provider value={presentation}>
      <TopBar lab={lab} view={view} onView={setView} hrefFor={hrefFor} presentation={presentation} onPresentation={setPresentation} />
      <main className="workspace">
        {experiment.linkErrors.length > 0 && (
          <div className="notice" role="alert">
            <p>Some settings in the link were not applied:</p>
            <ul>
              {experiment.linkErrors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
            <button type="button" onClick={experiment.dismissLinkErrors}>
              Dismiss
            </button>
          </div>
        )}
        <ViewPanel view="train" active={view === 'train'}>
          <TrainView lab={lab} />
        </ViewPanel>
        <ViewPanel view="compare" active={view === 'compare'}>
          <CompareView lab={lab} active={view === 'compare'} />
        </ViewPanel>
        <ViewPanel view="teach" active={view === 'teach'}>
          <TeachingViews
            training={training}
            setLive={lab.setLive}
            config={experiment.config}
            onConfig={experiment.setConfig}
            onPreset={experiment.choosePreset}
            shownRuns={lab.leadRuns}
            runs={lab.runs.runs}
            canStart={lab.canStart && !lab.busy}
            photosLoaded={lab.folderData !== undefined}
          />
        </ViewPanel>
        <ViewPanel view="verify" active={view === 'verify'}>
          <div className="verify-view">
            <VerifyPanel api={lab.api} currentRun={training.run} />
            <SavedModels api={lab.api} currentRun={training.run} canSave={!lab.busy && training.run !== undefined} />
          </div>
        </ViewPanel>
        <ViewPanel view="data" active={view === 'data'}>
          <DataPanel data={lab.dataApi} onDataReady={lab.setFolderData} onTestFolder={lab.setTestFolder} onDataExport={lab.setDataExport} />
          <ReferenceBaseline api={lab.api} testFolder={lab.testFolder} runs={lab.runs} />
        </ViewPanel>
      </main>
    </PresentationContext.Provider>
  );
}
