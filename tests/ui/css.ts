/**
 * The app's stylesheets in jsdom, for tests of what is on screen: jsdom cascades plain values (widths) into
 * getComputedStyle but not var(), so colours are checked by the rules that reach an element.
 */

// Vitest hands CSS imports (even `?raw`) to tests as empty strings, so the files are read from disk. tests/ui is
// type-checked as browser code without Node's types; the runner is Node, so node:fs is imported untyped.
const fs = (await import(/* @vite-ignore */ 'node:fs' as string)) as { readFileSync(path: string, encoding: 'utf8'): string };

/** The stylesheets tests can load, by name, from the project root (where vitest runs). */
const STYLESHEETS = {
  app: 'src/ui/styles.css',
  data: 'src/ui/data/data.css',
  runs: 'src/ui/runs/runs.css',
};

/** Adds the named stylesheets to the document; returns a function that removes them. */
export function loadStylesheets(...names: (keyof typeof STYLESHEETS)[]): () => void {
  const style = document.createElement('style');
  style.textContent = names.map((name) => fs.readFileSync(STYLESHEETS[name], 'utf8')).join('\n');
  document.head.append(style);
  return () => style.remove();
}

/** The style rules of the loaded stylesheets whose selector matches `element`. */
export function rulesMatching(element: Element): CSSStyleRule[] {
  return Array.from(document.styleSheets).flatMap((sheet) =>
    Array.from(sheet.cssRules).filter((rule): rule is CSSStyleRule => rule instanceof CSSStyleRule && element.matches(rule.selectorText)),
  );
}
