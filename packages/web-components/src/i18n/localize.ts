import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { localeContext, type LocaleContextValue } from '../context/room-context.js';
import { ar } from './ar.js';
import { de } from './de.js';
import { en } from './en.js';
import type {
  Catalogue,
  Message,
  MessageKey,
  MessageParams,
  Messages,
  PluralMessage,
} from './types.js';

export type { Catalogue, Message, MessageKey, MessageParams, Messages, PluralMessage };

const catalogues = new Map<string, Messages>([
  ['en', en],
  ['de', de],
  ['ar', ar],
]);

const RTL_LANGUAGES = new Set([
  'ar',
  'arc',
  'ckb',
  'dv',
  'fa',
  'he',
  'ku',
  'ps',
  'sd',
  'ug',
  'ur',
  'yi',
]);

const changeListeners = new Set<() => void>();

/**
 * Adds or replaces messages of language `lang` (`"fr"`, `"pt-BR"`) for every minimeet element on
 * the page; keys left out keep their current text. Elements re-render at once.
 *
 * @example
 * ```ts
 * registerMessages('fr', { 'controls.leave': 'Quitter', 'prejoin.join': 'Rejoindre' });
 * registerMessages('en', { 'prejoin.title': 'Ready for your visit?' });
 * ```
 */
export function registerMessages(lang: string, messages: Messages): void {
  const key = normalize(lang);
  catalogues.set(key, { ...catalogues.get(key), ...messages });
  for (const listener of changeListeners) listener();
}

/** The languages that have a catalogue now, as registered (`en`, `de`, `ar`, …). */
export function availableLanguages(): string[] {
  return [...catalogues.keys()];
}

/** `rtl` for a right-to-left language (`ar`, `he`, `fa`, …), else `ltr`. */
export function directionOf(lang: string): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(normalize(lang).split('-')[0] ?? '') ? 'rtl' : 'ltr';
}

/**
 * Formats message `key` in `lang`: the first of `overrides`, the catalogue of `lang`, of its
 * base language (`de` for `de-AT`) and English that has it, with `{param}` replaced.
 */
export function translate(
  lang: string,
  key: MessageKey,
  params: MessageParams = {},
  overrides?: Messages,
): string {
  const tag = normalize(lang);
  const base = tag.split('-')[0] ?? tag;
  const message =
    overrides?.[key] ??
    catalogues.get(tag)?.[key] ??
    catalogues.get(base)?.[key] ??
    catalogues.get('en')?.[key] ??
    en[key];
  const text = typeof message === 'string' ? message : pluralForm(tag, message, params.count);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

function pluralForm(lang: string, message: PluralMessage, count: unknown): string {
  const n = typeof count === 'number' ? count : Number(count ?? 0);
  // An explicit `zero` reads better than "0 results" even where the language has no such form.
  if (n === 0 && message.zero !== undefined) return message.zero;
  let category: Intl.LDMLPluralRule = 'other';
  try {
    category = new Intl.PluralRules(lang).select(n);
  } catch {
    // An unknown language tag: English rules.
    category = n === 1 ? 'one' : 'other';
  }
  return message[category] ?? message.other;
}

function normalize(lang: string): string {
  return lang.trim().replace(/_/g, '-').toLowerCase();
}

/** The `lang` found on an element or its nearest ancestor, across shadow roots. */
function inheritedLang(element: Element): string | undefined {
  let node: Node | null = element;
  while (node) {
    if (node instanceof Element) {
      const lang = node.getAttribute('lang');
      if (lang) return lang;
    }
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return undefined;
}

// One observer for the whole page: a change of <html lang> re-renders every element.
let documentObserver: MutationObserver | undefined;
function watchDocumentLang(): void {
  if (documentObserver || typeof MutationObserver === 'undefined') return;
  documentObserver = new MutationObserver(() => {
    for (const listener of changeListeners) listener();
  });
  documentObserver.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang', 'dir'],
  });
}

/**
 * A reactive controller that gives an element its language and its messages. The language is
 * the element's own `lang` attribute, else the one `<minimeet-room>` (or another provider of
 * {@link localeContext}) hands down, else the nearest `lang` among its ancestors or `<html lang>`,
 * else English. Overrides handed down with the context win over the catalogues.
 *
 * @example
 * ```ts
 * class MyPart extends MinimeetElement {
 *   private readonly i18n = new LocalizeController(this);
 *   render() {
 *     return html`<button dir=${this.i18n.dir}>${this.i18n.t('controls.leave')}</button>`;
 *   }
 * }
 * ```
 */
export class LocalizeController implements ReactiveController {
  private readonly host: ReactiveElement;
  private readonly context: ContextConsumer<typeof localeContext, ReactiveElement>;
  private readonly onChange = () => this.host.requestUpdate();

  /** Creates the controller and adds it to `host`. */
  constructor(host: ReactiveElement) {
    this.host = host;
    host.addController(this);
    this.context = new ContextConsumer(host, { context: localeContext, subscribe: true });
  }

  /** The language in use, such as `en` or `ar`. */
  get lang(): string {
    return (
      // The property first: Lit renders before it reflects `lang` to the attribute.
      (this.host as unknown as HTMLElement).lang ||
      this.host.getAttribute('lang') ||
      this.inherited()?.lang ||
      inheritedLang(this.host) ||
      (typeof document === 'undefined' ? undefined : document.documentElement.lang) ||
      'en'
    );
  }

  /** The text direction of {@link lang}, unless an ancestor's `dir` says otherwise. */
  get dir(): 'ltr' | 'rtl' {
    return directionOf(this.lang);
  }

  /** Message `key`, formatted with `params`; bound, so it may be destructured. */
  readonly t = (key: MessageKey, params?: MessageParams): string =>
    translate(this.lang, key, params, this.inherited()?.messages);

  /** Formats a number for {@link lang}. */
  number(value: number, options?: Intl.NumberFormatOptions): string {
    try {
      return new Intl.NumberFormat(this.lang, options).format(value);
    } catch {
      return String(value);
    }
  }

  /** Formats a date or time for {@link lang}. */
  date(value: Date | string | number, options?: Intl.DateTimeFormatOptions): string {
    const date = value instanceof Date ? value : new Date(value);
    try {
      return new Intl.DateTimeFormat(this.lang, options).format(date);
    } catch {
      return date.toISOString();
    }
  }

  /** Starts following catalogue and `<html lang>` changes. */
  hostConnected(): void {
    changeListeners.add(this.onChange);
    watchDocumentLang();
  }

  /** Stops following them. */
  hostDisconnected(): void {
    changeListeners.delete(this.onChange);
  }

  private inherited(): LocaleContextValue | undefined {
    return this.context.value;
  }
}
