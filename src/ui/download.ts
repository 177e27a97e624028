/**
 * Saves data as a file through a Blob URL: exports are made in the page and never sent anywhere.
 */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoking at once can cancel the download in some browsers; a minute is ample.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves text as a file (see downloadBlob). */
export function downloadText(fileName: string, text: string, mime = 'text/plain;charset=utf-8'): void {
  downloadBlob(fileName, new Blob([text], { type: mime }));
}
