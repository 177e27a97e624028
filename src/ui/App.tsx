import { BackendStatus } from './BackendStatus.tsx';
import { useLabWorker } from './worker/useLabWorker.ts';

/** The lab's root component. */
export function App() {
  const worker = useLabWorker();
  return (
    <main>
      <header>
        <h1>Margin Lab</h1>
        <p className="tagline">Train face-verification embeddings in your browser. Nothing you load leaves this page.</p>
      </header>
      <BackendStatus state={worker} />
    </main>
  );
}
