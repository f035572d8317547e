/**
 * The chat search query language, parsed once and shared by every engine.
 *
 * - Words: all of them must match, in any order (`budget review`).
 * - Quoted phrases: the words in this order, next to each other (`"budget review"`); `“…”` also.
 * - Prefixes: a word of 2 characters or more ending in `*` (`meet*`), also the last word of a
 *   phrase (`"budget rev"*`); `m*` is the word `m`.
 * - Words of scripts written without spaces between words (Chinese, Japanese, Korean, Thai, Lao,
 *   Khmer, Myanmar) match anywhere inside the text, since no tokenizer of ours can tell their
 *   words apart (`会議` finds `日本語の会議です`).
 *
 * Nothing else is syntax: `AND`, `OR`, `NOT`, `NEAR`, `-`, `+`, `~`, `^`, `:`, brackets and other
 * punctuation separate words or are plain words. A chunk of punctuation between letters joins its
 * words into a phrase (`e-mail`, `don't`, `v1.2`), so that it finds what was written the same way.
 * Whatever a user types parses; what holds no letter or digit (emoji, symbols) is dropped, and a
 * query left without terms finds nothing.
 */

/** One condition of a query; every term of a query must match. */
export type SearchTerm =
  | {
      kind: 'words';
      /** The words in order: one for a plain word or prefix, several for a phrase. */
      words: string[];
      /** The last word is a prefix (`meet*`). */
      prefix: boolean;
      /**
       * What the user wrote for this term, without quotes or `*`: for engines whose own tokenizer
       * reads punctuation inside a word (PostgreSQL reads `a@b.com` as one token).
       */
      raw: string;
    }
  | {
      kind: 'substring';
      /** Text of a script written without spaces, to be found anywhere in a message. */
      text: string;
    };

/** A parsed query: the terms every hit must match (none: the query finds nothing). */
export interface SearchQuery {
  terms: SearchTerm[];
}

/** The fewest characters before a `*` that make a prefix. */
export const MIN_PREFIX = 2;

/** At most this many terms count; the rest of a very long query is ignored. */
export const MAX_TERMS = 32;

/** Letters, digits and the marks that belong to them: what a word is made of. */
const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Scripts written without spaces between words. The SQLite migration holds the same ranges in a
 * GLOB pattern; the two lists must agree.
 */
export const SUBSTRING_SCRIPT =
  /[\u0E00-\u0EFF\u1000-\u109F\u1100-\u11FF\u1780-\u17FF\u3040-\u30FF\u3100-\u312F\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{2FA1F}]/u;

const OPENING_QUOTES = new Set(['"', '“', '„']);
const CLOSING_QUOTES = new Set(['"', '”', '“']);

/** Parses what a user typed into terms. Never throws. */
export function parseSearchQuery(input: string): SearchQuery {
  const text = input.normalize('NFC');
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  const add = (term: SearchTerm) => {
    const key = JSON.stringify(term.kind === 'words' ? [term.words, term.prefix] : term.text);
    if (seen.has(key) || terms.length >= MAX_TERMS) return;
    seen.add(key);
    terms.push(term);
  };

  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (OPENING_QUOTES.has(ch)) {
      const close = findClosingQuote(text, i + 1);
      if (close !== -1) {
        const inner = text.slice(i + 1, close);
        const prefix = text[close + 1] === '*';
        termsOf(inner, prefix).forEach(add);
        i = close + (prefix ? 2 : 1);
        continue;
      }
      // An unbalanced quote is just a separator.
      i += 1;
      continue;
    }
    if (/\s/u.test(ch)) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/u.test(text[end]) && !OPENING_QUOTES.has(text[end])) end++;
    const chunk = text.slice(i, end);
    termsOf(chunk, /[\p{L}\p{N}\p{M}]\*+$/u.test(chunk)).forEach(add);
    i = end;
  }
  return { terms };
}

function findClosingQuote(text: string, from: number): number {
  for (let j = from; j < text.length; j++) if (CLOSING_QUOTES.has(text[j])) return j;
  return -1;
}

/** The terms of one chunk (or one quoted phrase). */
function termsOf(chunk: string, prefix: boolean): SearchTerm[] {
  const runs = [...chunk.matchAll(WORD_RUN)]
    .map((m) => m[0])
    .filter((run) => HAS_LETTER_OR_DIGIT.test(run));
  if (runs.length === 0) return [];
  if (runs.some((run) => SUBSTRING_SCRIPT.test(run))) {
    // Adjacency means little next to a script without spaces: each run counts on its own.
    return runs.map((run) =>
      SUBSTRING_SCRIPT.test(run)
        ? { kind: 'substring', text: run }
        : { kind: 'words', words: [run], prefix: false, raw: run },
    );
  }
  // A one-character prefix would match most of the index: it counts as the word itself.
  const usablePrefix = prefix && [...runs[runs.length - 1]].length >= MIN_PREFIX;
  const raw = chunk
    .trim()
    .replace(/\*+$/u, '')
    .replace(/^[-+~]+/u, '');
  return [{ kind: 'words', words: runs, prefix: usablePrefix, raw }];
}

/** True when the query can match nothing (no usable term). */
export function isEmptyQuery(query: SearchQuery): boolean {
  return query.terms.length === 0;
}

/**
 * Case and accent folding for comparing words the way the engines do (`Café` = `cafe`): canonical
 * decomposition, marks removed, lower case.
 */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
