import { useEffect, useState } from 'react';
import type { GalleryPage } from '../../protocol/data.ts';

interface ShownPage {
  page: GalleryPage;
  /** Object URLs of the thumbnails, per identity; revoked when the page is replaced. */
  urls: string[][];
}

/**
 * Browse what was loaded: a page of identities with thumbnails of what the model sees, so noisy
 * labels (someone else's face in a folder) can be spotted. `loadPage` fetches a page from the
 * worker. Give it a new `key` when a new folder is loaded, so it starts again at page 1.
 */
export function Gallery({ label, loadPage }: { label: string; loadPage: (page: number) => Promise<GalleryPage> }) {
  const [pageIndex, setPageIndex] = useState(0);
  const [shown, setShown] = useState<ShownPage | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    let created: string[][] = [];
    loadPage(pageIndex).then(
      (page) => {
        if (!live) return;
        created = page.identities.map((id) => id.thumbnails.map((blob) => URL.createObjectURL(blob)));
        setShown({ page, urls: created });
        setError(undefined);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
      for (const urls of created) for (const url of urls) URL.revokeObjectURL(url);
    };
  }, [loadPage, pageIndex]);

  if (error)
    return (
      <p className="error" role="alert">
        Gallery: {error}
      </p>
    );
  if (!shown) return <p aria-live="polite">Loading the gallery…</p>;
  const { page, urls } = shown;
  return (
    <section aria-label={label} className="gallery">
      <nav aria-label={`${label} pages`} className="gallery-nav">
        <button type="button" onClick={() => setPageIndex(page.page - 1)} disabled={page.page <= 0}>
          Previous page
        </button>
        <span aria-live="polite">
          {' '}
          Page {page.page + 1} of {page.pageCount} ({page.totalIdentities} identities){' '}
        </span>
        <button type="button" onClick={() => setPageIndex(page.page + 1)} disabled={page.page >= page.pageCount - 1}>
          Next page
        </button>
      </nav>
      <ul className="gallery-grid">
        {page.identities.map((identity, i) => (
          <li key={identity.key}>
            <figure>
              <div className="thumbs">
                {urls[i].map((url, j) => (
                  <img key={url} src={url} alt={`${identity.name}, image ${j + 1}`} width={56} height={56} />
                ))}
              </div>
              <figcaption title={identity.key}>
                {identity.name} ({identity.imageCount} images)
              </figcaption>
            </figure>
          </li>
        ))}
      </ul>
    </section>
  );
}
