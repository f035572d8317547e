import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from './search-query.js';
import { makeSnippet, SNIPPET_MAX_CHARS, type Snippet } from './snippet.js';

const snippet = (text: string, q: string) => makeSnippet(text, parseSearchQuery(q));

/** The highlighted parts of a snippet, as text. */
const marked = ({ snippet: s, highlights }: Snippet) => highlights.map(([a, b]) => s.slice(a, b));

describe('makeSnippet', () => {
  it('shows a short text whole, with every match marked', () => {
    const result = snippet('The Budget review: budget approved.', 'budget');
    expect(result.snippet).toBe('The Budget review: budget approved.');
    expect(result.highlights).toEqual([
      [4, 10],
      [19, 25],
    ]);
  });

  it('marks words without regard to case or accents, and prefixes', () => {
    expect(marked(snippet('Café CRÈME and meetings', 'cafe creme meet*'))).toEqual([
      'Café',
      'CRÈME',
      'meetings',
    ]);
  });

  it('marks a phrase as one span, only where its words follow each other', () => {
    const result = snippet('review the budget, then budget review', '"budget review"');
    expect(marked(result)).toEqual(['budget review']);
  });

  it('marks text found inside runs of scripts without spaces', () => {
    expect(marked(snippet('日本語の会議です', '会議'))).toEqual(['会議']);
    expect(marked(snippet('Budget会議 BUDGET会議', 'budget会議'))).toEqual([
      'Budget会議',
      'BUDGET会議',
    ]);
  });

  it('cuts a long text to about 20 words around the first match, with ellipses', () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    words[30] = 'target';
    const result = snippet(words.join(' '), 'target');
    expect(result.snippet.startsWith('…w24 ')).toBe(true);
    expect(result.snippet.endsWith('w43…')).toBe(true);
    expect(result.snippet.split(' ')).toHaveLength(20);
    expect(marked(result)).toEqual(['target']);
  });

  it('starts at the beginning when the match is near it', () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    const result = snippet(words.join(' '), 'w2');
    expect(result.snippet.startsWith('w0 w1 w2')).toBe(true);
    expect(result.snippet.endsWith('w19…')).toBe(true);
    expect(marked(result)).toEqual(['w2']);
  });

  it('collapses whitespace and line breaks, keeping offsets right', () => {
    const result = snippet('first line\n\n   second   line\tend', 'second end');
    expect(result.snippet).toBe('first line second line end');
    expect(marked(result)).toEqual(['second', 'end']);
  });

  it('bounds a long run without spaces by characters, never splitting a character', () => {
    const text = `${'字'.repeat(300)}会議${'😀'.repeat(300)}`;
    const result = snippet(text, '会議');
    expect(result.snippet.length).toBeLessThanOrEqual(SNIPPET_MAX_CHARS + 2);
    expect(marked(result)).toEqual(['会議']);
    expect(result.snippet).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(result.snippet).not.toMatch(/(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('gives the beginning of the text without highlights when nothing of the query is in it', () => {
    expect(snippet('Nothing here', 'absent')).toEqual({ snippet: 'Nothing here', highlights: [] });
  });

  it('keeps private-use characters and markup as text', () => {
    const result = snippet('\ue000<b>bold</b>\ue001 budget', 'budget');
    expect(result.snippet).toBe('\ue000<b>bold</b>\ue001 budget');
    expect(marked(result)).toEqual(['budget']);
  });
});
