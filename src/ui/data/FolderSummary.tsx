import type { CacheReport, FolderReport, PairsReport } from '../../protocol/data.ts';

const MIB = 2 ** 20;

/** "84.2 MiB of 256 MiB, 2,345 images cached of 3,000 in use". */
export function cacheText(cache: CacheReport): string {
  const used = (cache.bytesUsed / MIB).toFixed(1);
  const budget = (cache.budgetBytes / MIB).toFixed(0);
  const beyond = cache.imagesInUse > cache.imagesCached ? '; the rest are decoded from the files each epoch' : '';
  return `${used} MiB of ${budget} MiB, ${cache.imagesCached.toLocaleString('en-US')} images cached of ${cache.imagesInUse.toLocaleString('en-US')} in use${beyond}`;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * "600 (300 same, 300 different; sampled)"; when the folder gave fewer than asked for, says so:
 * "24 (12 same, 12 different; sampled: the most balanced pairs 12 images give, fewer than the 600 asked for)".
 */
export function pairsText(pairs: PairsReport, images: number): string {
  const kinds = `${count(pairs.positives)} same, ${count(pairs.negatives)} different`;
  if (pairs.source === 'pairs.txt') return `${count(pairs.count)} (${kinds}; from pairs.txt)`;
  const fewer =
    pairs.requested !== undefined && pairs.count < pairs.requested
      ? `: the most balanced pairs ${count(images)} images give, fewer than the ${count(pairs.requested)} asked for`
      : '';
  return `${count(pairs.count)} (${kinds}; sampled${fewer})`;
}

function Row({ name, value }: { name: string; value: string | number }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{typeof value === 'number' ? value.toLocaleString('en-US') : value}</dd>
    </>
  );
}

/** Counts of a loaded folder: what it holds, what was sampled or paired, and the pixel memory in use. */
export function FolderSummary({ report, skipped, label }: { report: FolderReport; skipped: number; label: string }) {
  const { sample, pairs } = report;
  return (
    <div className="folder-summary">
      <dl aria-label={label}>
        {report.root !== undefined && <Row name="Folder" value={report.root} />}
        <Row name="Identities" value={report.identities} />
        <Row name="Images" value={report.images} />
        <Row name="Skipped" value={skipped} />
        {report.singletons.length > 0 && <Row name="Identities with one image" value={report.singletons.length} />}
        {sample && <Row name="Sampled identities" value={`${sample.identityNames.length.toLocaleString('en-US')} of ${sample.eligible.toLocaleString('en-US')} eligible`} />}
        {sample && <Row name="Training images" value={sample.trainImages} />}
        {sample && <Row name="Validation images" value={sample.validationImages} />}
        {pairs && <Row name="Test pairs" value={pairsText(pairs, report.images)} />}
        <Row name="Decoded pixels in memory" value={cacheText(report.cache)} />
        <Row name="Read in" value={`${report.seconds.toFixed(2)} s`} />
      </dl>
      {report.pairsError && (
        <p className="error" role="alert">
          No test pairs: {report.pairsError}
        </p>
      )}
      {report.unusableFolders.length > 0 && <p className="muted">Folders without a usable image: {report.unusableFolders.join(', ')}</p>}
      {sample && sample.identityNames.length > 0 && (
        <details>
          <summary>Sampled identities ({sample.identityNames.length})</summary>
          <p className="sampled-names">{sample.identityNames.join(', ')}</p>
        </details>
      )}
    </div>
  );
}
