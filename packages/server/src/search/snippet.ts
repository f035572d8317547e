import { foldWord, type SearchQuery, type SearchTerm } from './search-query.js';

/** A short excerpt of a message around what matched, with the matches marked. */
export interface Snippet {
  /** Plain text: whitespace runs collapsed to one space, `…` where the text was cut. */
  snippet: string;
  /** `[start, end)` UTF-16 offsets of the matches inside {@link Snippet.snippet}, in order. */
  highlights: Array<[number, number]>;
}

/** Most words of a snippet. */
export const SNIPPET_WORDS = 20;
/** Most characters (UTF-16 code units) of a snippet, for text of long runs without spaces. */
export const SNIPPET_MAX_CHARS = 200;
/** Words kept before the first match, when the text is longer than a snippet. */
const WORDS_BEFORE = 6;
/** Characters kept before the first match inside a long run without spaces. */
const CHARS_BEFORE = 60;
const ELLIPSIS = '…';
const SPACE = /\s/u;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

interface Token {
  start: number;
  end: number;
  folded: string;
}

type Span = [number, number];

/**
 * The snippet of `text` for `query`: up to {@link SNIPPET_WORDS} words around the first match, with
 * the offsets of every match inside it. One function for every engine, so that all of them show
 * the same thing. A text in which nothing of the query is found (an engine may match through a
 * form this function does not know) gives its beginning, without highlights.
 */
export function makeSnippet(text: string, query: SearchQuery): Snippet {
  const tokens = tokenize(text);
  const spans = mergeSpans(query.terms.flatMap((term) => matchesOf(term, text, tokens)));
  const [start, end] = windowOf(text, tokens, spans[0]);
  return render(text, start, end, spans);
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(WORD)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    folded: foldWord(m[0]),
  }));
}

function matchesOf(term: SearchTerm, text: string, tokens: Token[]): Span[] {
  if (term.kind === 'substring') {
    const spans: Span[] = [];
    const pattern = new RegExp(escapeRegExp(term.text), 'giu');
    for (const m of text.matchAll(pattern)) spans.push([m.index, m.index + m[0].length]);
    return spans;
  }
  const words = term.words.map(foldWord);
  const last = words.length - 1;
  const spans: Span[] = [];
  for (let i = 0; i + last < tokens.length; i++) {
    let ok = true;
    for (let w = 0; w <= last && ok; w++) {
      const token = tokens[i + w].folded;
      ok = term.prefix && w === last ? token.startsWith(words[w]) : token === words[w];
    }
    if (ok) spans.push([tokens[i].start, tokens[i + last].end]);
  }
  return spans;
}

function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Span[] = [];
  for (const span of sorted) {
    const prev = merged[merged.length - 1];
    if (prev && span[0] <= prev[1]) prev[1] = Math.max(prev[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** The `[start, end)` of the text a snippet shows. */
function windowOf(text: string, tokens: Token[], first: Span | undefined): Span {
  if (tokens.length === 0) return clampChars(text, 0, text.length, first?.[0] ?? 0);
  const anchor = first ? tokenIndexAt(tokens, first[0]) : 0;
  let from = Math.max(0, anchor - WORDS_BEFORE);
  const to = Math.min(tokens.length, from + SNIPPET_WORDS);
  from = Math.max(0, to - SNIPPET_WORDS);
  // Whole text when it fits, else from the first word shown to the last.
  const start = from === 0 ? 0 : tokens[from].start;
  const end = to === tokens.length ? text.length : tokens[to - 1].end;
  return clampChars(text, start, end, first?.[0] ?? start);
}

function tokenIndexAt(tokens: Token[], offset: number): number {
  const i = tokens.findIndex((t) => t.end > offset);
  return i === -1 ? tokens.length - 1 : i;
}

/** Narrows `[start, end)` to {@link SNIPPET_MAX_CHARS} around `focus`, never inside a character. */
function clampChars(text: string, start: number, end: number, focus: number): Span {
  if (end - start <= SNIPPET_MAX_CHARS) return [start, end];
  let from = Math.max(start, Math.min(focus - CHARS_BEFORE, end - SNIPPET_MAX_CHARS));
  let to = Math.min(end, from + SNIPPET_MAX_CHARS);
  from = boundaryAtOrBefore(text, from);
  to = boundaryAtOrBefore(text, to);
  return [from, to];
}

/** The nearest offset at or before `i` that starts a character and not a mark or joiner on one. */
function boundaryAtOrBefore(text: string, i: number): number {
  let at = i;
  while (at > 0 && at < text.length) {
    const code = text.charCodeAt(at);
    const isLowSurrogate = code >= 0xdc00 && code <= 0xdfff;
    const cp = text.codePointAt(at) ?? 0;
    const joins = cp === 0x200d || /\p{M}/u.test(String.fromCodePoint(cp));
    if (!isLowSurrogate && !joins) break;
    at -= 1;
  }
  return at;
}

/** Cuts, collapses whitespace, adds ellipses and maps the spans into the result. */
function render(text: string, start: number, end: number, spans: Span[]): Snippet {
  let out = '';
  // map[k] = offset in `out` of text offset (start + k); one more for the end.
  const map = new Array<number>(end - start + 1);
  const lead = start > 0;
  if (lead) out += ELLIPSIS;
  let inSpace = false;
  for (let k = start; k < end; k++) {
    const ch = text[k];
    map[k - start] = out.length;
    if (SPACE.test(ch)) {
      if (!inSpace && out.length > (lead ? ELLIPSIS.length : 0)) out += ' ';
      inSpace = true;
    } else {
      out += ch;
      inSpace = false;
    }
  }
  if (inSpace && out.endsWith(' ')) out = out.slice(0, -1);
  map[end - start] = out.length;
  if (end < text.length) out += ELLIPSIS;
  const highlights: Array<[number, number]> = [];
  for (const [s, e] of spans) {
    const from = Math.max(s, start);
    const to = Math.min(e, end);
    if (from >= to) continue;
    const a = map[from - start];
    const b = Math.min(map[to - start], out.length);
    if (a < b) highlights.push([a, b]);
  }
  return { snippet: out, highlights };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
