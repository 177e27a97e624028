/** Drag-and-drop in browser tests: Playwright cannot drag real files, so the drop event is made in the page. */
import type { Locator, Page } from 'playwright-core';

/** Dispatches a drop of one file on `target`, as a user dragging it from the desktop would. */
export async function dropFile(page: Page, target: Locator, name: string, bytes: Buffer, type: string): Promise<void> {
  const handle = await target.elementHandle();
  await page.evaluate(
    ({ element, name, base64, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      (element as Element).dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    },
    { element: handle, name, base64: bytes.toString('base64'), type },
  );
}
