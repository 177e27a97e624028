/**
 * A run's error or divergence message in the runs table, one line tall: an engine error can be a stack trace or a
 * shader dump thousands of characters long, which would make its row hundreds of pixels tall. The full text is in
 * the line's title and in a disclosure the user can open.
 */

/** Characters of a message shown before it is cut (CSS clips the line to the column's width as well). */
export const MESSAGE_PREVIEW_CHARS = 120;

/** The message's first line, cut to MESSAGE_PREVIEW_CHARS with an ellipsis; undefined when it is all there is. */
export function messagePreview(message: string): string | undefined {
  const firstLine = message.trim().split(/\r?\n/, 1)[0];
  const preview = firstLine.length > MESSAGE_PREVIEW_CHARS ? `${firstLine.slice(0, MESSAGE_PREVIEW_CHARS - 1).trimEnd()}…` : firstLine;
  return preview === message ? undefined : preview;
}

/** One line of `message`, its full text on demand. */
export function RunMessage({ message }: { message: string }) {
  const preview = messagePreview(message);
  if (preview === undefined)
    return (
      <div className="run-message" title={message}>
        {message}
      </div>
    );
  return (
    <details className="run-message">
      <summary title={message}>{preview}</summary>
      <p className="run-message-full">{message}</p>
    </details>
  );
}
