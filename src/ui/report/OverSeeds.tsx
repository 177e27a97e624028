import { spreadText, type SeedsSummary } from '../../core/seedSummary.ts';

/**
 * "Over seeds": how often each finding held over the seeds the kept runs cover, and the mean ± sd of the gaps the
 * findings read. One seed's ✔ may be luck; this is what the report's claims look like against the seed-to-seed spread.
 */
export function OverSeeds({ summary }: { summary: SeedsSummary }) {
  return (
    <div className="report-table-wrap">
      <table className="report-findings" aria-label="Findings over seeds">
        <caption>Over seeds {summary.seeds.join(', ')}</caption>
        <thead>
          <tr>
            <th scope="col">Finding</th>
            <th scope="col">Held on</th>
            <th scope="col">Did not hold on</th>
          </tr>
        </thead>
        <tbody>
          {summary.findings.map((f) => (
            <tr key={f.id}>
              <th scope="row">{f.title}</th>
              <td className={`verdict verdict-${f.held === f.checked ? 'holds' : 'failed'}`}>
                {f.held} of {f.checked} seed{f.checked === 1 ? '' : 's'}
              </td>
              <td>{f.failedSeeds.length ? `seed${f.failedSeeds.length > 1 ? 's' : ''} ${f.failedSeeds.join(', ')}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="report-sources" aria-label="AUC gaps over seeds">
        {summary.gaps.map((g) => (
          <li key={g.id}>
            AUC {g.label}: {spreadText(g, true)} ({g.n > 1 ? `mean ± sd over ${g.n} seeds` : 'one seed'})
          </li>
        ))}
      </ul>
    </div>
  );
}
