import { describe, expect, it } from 'vitest';
import { MAX_TERMS, parseSearchQuery, type SearchTerm } from './search-query.js';

const word = (text: string, prefix = false): SearchTerm => ({
  kind: 'words',
  words: [text],
  prefix,
  raw: text,
});

describe('parseSearchQuery', () => {
  it('reads words, each a term that must match', () => {
    expect(parseSearchQuery('budget  review\tMonday').terms).toEqual([
      word('budget'),
      word('review'),
      word('Monday'),
    ]);
  });

  it('reads quoted phrases, typographic quotes too, and prefixes', () => {
    expect(parseSearchQuery('"budget review" meet* “next week”').terms).toEqual([
      { kind: 'words', words: ['budget', 'review'], prefix: false, raw: 'budget review' },
      word('meet', true),
      { kind: 'words', words: ['next', 'week'], prefix: false, raw: 'next week' },
    ]);
    expect(parseSearchQuery('m* "budget r"*').terms).toEqual([
      word('m'),
      { kind: 'words', words: ['budget', 'r'], prefix: false, raw: 'budget r' },
    ]);
    expect(parseSearchQuery('"budget rev"*').terms).toEqual([
      { kind: 'words', words: ['budget', 'rev'], prefix: true, raw: 'budget rev' },
    ]);
  });

  it('treats operators and punctuation as separators or plain words, never as syntax', () => {
    expect(parseSearchQuery('-budget +review ~x ^y (paren) [b] NEAR(a, b)').terms).toEqual([
      { ...word('budget'), raw: 'budget' },
      { ...word('review'), raw: 'review' },
      { ...word('x'), raw: 'x' },
      { ...word('y'), raw: '^y' },
      { ...word('paren'), raw: '(paren)' },
      { ...word('b'), raw: '[b]' },
      { kind: 'words', words: ['NEAR', 'a'], prefix: false, raw: 'NEAR(a,' },
    ]);
    expect(parseSearchQuery('budget AND review OR NOT x').terms.map((t) => t.kind)).toHaveLength(6);
  });

  it('joins the words of a chunk with punctuation inside into a phrase', () => {
    expect(parseSearchQuery("e-mail don't a@b.com").terms).toEqual([
      { kind: 'words', words: ['e', 'mail'], prefix: false, raw: 'e-mail' },
      { kind: 'words', words: ['don', 't'], prefix: false, raw: "don't" },
      { kind: 'words', words: ['a', 'b', 'com'], prefix: false, raw: 'a@b.com' },
    ]);
  });

  it('treats an unbalanced quote as a separator', () => {
    expect(parseSearchQuery('"budget review').terms).toEqual([word('budget'), word('review')]);
    expect(parseSearchQuery('budget" review').terms).toEqual([word('budget'), word('review')]);
  });

  it('drops what holds no letter or digit: emoji, symbols, lone marks, stars', () => {
    for (const q of ['🎉', '👩🏽‍💻 🎉', '* ** ***', '\u0301', '"" "', '()[]{}', '—–…', '\u200b'])
      expect(parseSearchQuery(q).terms, q).toEqual([]);
    expect(parseSearchQuery('party 🎉').terms).toEqual([word('party')]);
  });

  it('finds runs of scripts written without spaces anywhere, one term per run', () => {
    expect(parseSearchQuery('日本語の会議 会議、明日 budget会議').terms).toEqual([
      { kind: 'substring', text: '日本語の会議' },
      { kind: 'substring', text: '会議' },
      { kind: 'substring', text: '明日' },
      { kind: 'substring', text: 'budget会議' },
    ]);
    expect(parseSearchQuery('"会議 budget"').terms).toEqual([
      { kind: 'substring', text: '会議' },
      word('budget'),
    ]);
    expect(parseSearchQuery('회의 สวัสดี').terms.map((t) => t.kind)).toEqual([
      'substring',
      'substring',
    ]);
  });

  it('keeps letters with their marks, composed the canonical way', () => {
    expect(parseSearchQuery('e\u0301cole').terms).toEqual([word('école')]);
    expect(parseSearchQuery('Ünïcödé').terms).toEqual([word('Ünïcödé')]);
  });

  it('keeps one of each term, and at most MAX_TERMS', () => {
    expect(parseSearchQuery('ab ab AB "ab" ab*').terms).toEqual([
      word('ab'),
      word('AB'),
      word('ab', true),
    ]);
    const many = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    expect(parseSearchQuery(many).terms).toHaveLength(MAX_TERMS);
    expect(parseSearchQuery('a'.repeat(500)).terms).toEqual([word('a'.repeat(500))]);
  });
});
