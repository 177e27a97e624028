/**
 * The page's state in the URL hash, read and written in one place. Two tables drive it, as TF Playground's state
 * does: the config fields (CONFIG_FIELDS in configFields.ts: `v=1&loss=arcface&m=30`) and the page keys below
 * (`preset`, `lesson`, `step`, `view`, `present`), each with how its text is read, what it means when the hash
 * leaves it out, and how it is written. Pure: the page's one owner of window.location.hash
 * (src/ui/useHashState.ts) calls decodeHash and encodeHash, and so do the tests.
 *
 * Rules: a key whose value is what its absence means is not written, so links stay short. A hash without settings
 * (no `v` and no config key: `#view=verify`) keeps the setup it is read over (`base`): at page open the Quick demo,
 * or the named preset's own settings (`#preset=softmax`). A hash with settings defines the config alone (defaults
 * plus its keys), and `preset` only names the preset the config came from.
 */
import { decodeConfigHash, encodeConfigHash, MAX_CONFIG_HASH_LENGTH, RESERVED_HASH_KEYS } from './configCodec.ts';
import { findLesson, LESSONS } from './lessons.ts';
import { findPreset, presetConfig, QUICK_DEMO_PRESET } from './presets.ts';
import type { TrainConfig } from './trainConfig.ts';

/** The workspace's views, in the order the top bar lists them. */
export const VIEWS = Object.freeze(['train', 'compare', 'teach', 'verify', 'data'] as const);
export type ViewId = (typeof VIEWS)[number];

/** Whether `text` names a view. */
export function isView(text: string): text is ViewId {
  return (VIEWS as readonly string[]).includes(text);
}

/** Everything of the page that a link carries. */
export interface PageState {
  config: TrainConfig;
  /** The preset the config came from, while it is unchanged since. */
  preset?: string;
  /** The open lesson's id (a known lesson). */
  lesson?: string;
  /** The lesson's step, counted from 1 and within the lesson (only with `lesson`). */
  step?: number;
  view: ViewId;
  /** Presentation mode (large type, thick lines) for a projector. */
  present: boolean;
}

/** The page keys' part of the state. */
type PageKeys = Omit<PageState, 'config'>;
type PageKey = keyof PageKeys;

/** One page key: how its text is read, what its absence means, and how its value is written. */
interface HashKeySpec<K extends PageKey> {
  readonly key: K;
  /** The value of the key's text, or why it is refused (the key then counts as absent). */
  readonly parse: (text: string) => { value: PageKeys[K] } | { error: string };
  /** What the key means when the hash leaves it out, given the keys read before it in the table. */
  readonly absent: (state: Partial<PageKeys>) => PageKeys[K];
  /** The key's text for a value (called only for values other than the absent one). */
  readonly write: (value: NonNullable<PageKeys[K]>) => string;
}

type AnyHashKeySpec = { [K in PageKey]: HashKeySpec<K> }[PageKey];

/** `text` cut for an error message: a pasted value is echoed, never a page of it. */
const clip = (text: string, max = 40) => (text.length <= max ? text : `${text.slice(0, max)}…`);

/** A view a lesson link opens on when it names none: the lesson lives in Teach. */
const impliedView = (state: Partial<PageKeys>): ViewId => (state.lesson !== undefined ? 'teach' : 'train');

/** The page keys, in the order they are read and written (`view`'s absence depends on `lesson`). */
export const PAGE_HASH_KEYS: readonly AnyHashKeySpec[] = Object.freeze([
  {
    key: 'preset',
    parse: (text: string) => (findPreset(text) ? { value: text } : { error: `unknown preset '${clip(text)}' in the link` }),
    absent: () => undefined,
    write: (value: string) => value,
  } satisfies HashKeySpec<'preset'>,
  {
    key: 'lesson',
    parse: (text: string) =>
      text === ''
        ? { value: undefined }
        : findLesson(text)
          ? { value: text }
          : { error: `unknown lesson '${clip(text)}' in the link (known: ${LESSONS.map((l) => l.id).join(', ')})` },
    absent: () => undefined,
    write: (value: string) => value,
  } satisfies HashKeySpec<'lesson'>,
  {
    // A missing or unreadable step is the first (lessons are forgiving: the link still opens the lesson).
    key: 'step',
    parse: (text: string) => ({ value: /^\d{1,6}$/.test(text) ? Number(text) : undefined }),
    absent: () => undefined,
    write: (value: number) => String(value),
  } satisfies HashKeySpec<'step'>,
  {
    key: 'view',
    parse: (text: string) => (isView(text) ? { value: text } : { error: `unknown view '${clip(text)}' in the link (views: ${VIEWS.join(', ')})` }),
    absent: impliedView,
    write: (value: ViewId) => value,
  } satisfies HashKeySpec<'view'>,
  {
    key: 'present',
    parse: (text: string) => (text === '1' ? { value: true } : text === '0' ? { value: false } : { error: `present must be 1 or 0 (got '${clip(text)}')` }),
    absent: () => false,
    write: (value: boolean) => (value ? '1' : '0'),
  } satisfies HashKeySpec<'present'>,
] as AnyHashKeySpec[]);

/** The state of a page opened without a hash: the Quick demo, in Train. */
export function defaultPageState(): PageState {
  return { config: presetConfig(QUICK_DEMO_PRESET.id), preset: QUICK_DEMO_PRESET.id, view: 'train', present: false };
}

/** What a hash held, and what was wrong with it. */
export interface DecodedPage {
  state: PageState;
  /** One line per problem with the settings, the preset, the view or presentation mode. */
  errors: string[];
  /** What was wrong with the lesson keys (lesson mode shows it). */
  lessonError?: string;
  /** True when the hash held settings (`v` or a config key), so `state.config` is the hash's own. */
  hasSettings: boolean;
}

/** The key names of a hash, URL-decoded (an undecodable one is left out: decodeConfigHash reports it). */
function keysOf(hash: string): string[] {
  if (hash.length > MAX_CONFIG_HASH_LENGTH) return [];
  return hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '')
    .flatMap((part) => {
      const eq = part.indexOf('=');
      try {
        return [decodeURIComponent(eq < 0 ? part : part.slice(0, eq))];
      } catch {
        return [part];
      }
    });
}

/**
 * Reads a URL hash (with or without '#') over `base`, the state a hash without settings keeps the setup of (page
 * open: defaultPageState(); a link followed in the tab: the page's current state). Never throws: what cannot be read
 * is reported and left at what its absence means.
 */
export function decodeHash(hash: string, base: PageState = defaultPageState()): DecodedPage {
  const decoded = decodeConfigHash(hash);
  const hasSettings = keysOf(hash).some((key) => !RESERVED_HASH_KEYS.includes(key));
  const errors = [...decoded.errors];
  let lessonError: string | undefined;
  const keys: Partial<PageKeys> = {};
  for (const spec of PAGE_HASH_KEYS) {
    const text = decoded.extras[spec.key];
    const parsed = text === undefined ? undefined : spec.parse(text);
    if (parsed && 'error' in parsed) {
      if (spec.key === 'lesson') lessonError = parsed.error;
      else errors.push(parsed.error);
    }
    const value = parsed && 'value' in parsed && parsed.value !== undefined ? parsed.value : spec.absent(keys);
    (keys as Record<string, unknown>)[spec.key] = value;
  }
  // The step belongs to the lesson: kept within it, the first when the link gave none.
  const lesson = keys.lesson === undefined ? undefined : findLesson(keys.lesson);
  keys.step = lesson ? Math.min(Math.max(keys.step ?? 1, 1), lesson.steps.length) : undefined;
  let config = decoded.config;
  let preset = keys.preset;
  if (!hasSettings) {
    config = preset ? presetConfig(preset) : base.config;
    preset = preset ?? base.preset;
  }
  const state: PageState = { config, view: keys.view ?? 'train', present: keys.present ?? false };
  if (preset !== undefined) state.preset = preset;
  if (lesson) {
    state.lesson = lesson.id;
    state.step = keys.step;
  }
  return { state, errors, ...(lessonError ? { lessonError } : {}), hasSettings };
}

/**
 * The URL hash of `state`: `#v=1`, the config fields that differ from the defaults, then the page keys whose value
 * is not what their absence means, in table order.
 */
export function encodeHash(state: PageState): string {
  const extras: Record<string, string> = {};
  const written: Partial<PageKeys> = {};
  for (const spec of PAGE_HASH_KEYS) {
    const value = spec.key === 'step' && state.lesson === undefined ? undefined : state[spec.key];
    (written as Record<string, unknown>)[spec.key] = value;
    if (value === undefined || value === spec.absent(written)) continue;
    extras[spec.key] = (spec.write as (v: unknown) => string)(value);
  }
  return encodeConfigHash(state.config, extras);
}

/** Whether two states hold the same setup (config and preset), as their links would write it. */
export function sameSetup(a: PageState, b: PageState): boolean {
  return a.preset === b.preset && encodeConfigHash(a.config) === encodeConfigHash(b.config);
}
