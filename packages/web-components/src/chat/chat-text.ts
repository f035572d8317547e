import type { ChatMessage } from '@minimeet/sdk';

/** A piece of a search snippet: plain text, marked (a match) or not. */
export interface SnippetSegment {
  /** The text of the piece, to be rendered as text. */
  readonly text: string;
  /** Whether the piece is one of the server's matches. */
  readonly match: boolean;
}

/**
 * Splits a search snippet into text pieces from the server's `[start, end)` highlight offsets
 * (UTF-16 code units). Offsets out of range are clamped, empty ones dropped, overlapping ones
 * merged, so no answer can break the text or lose a character of it.
 */
export function snippetSegments(
  snippet: string,
  highlights: ReadonlyArray<readonly [number, number]>,
): SnippetSegment[] {
  const ranges = highlights
    .filter(
      (range) => Array.isArray(range) && Number.isInteger(range[0]) && Number.isInteger(range[1]),
    )
    .map(([start, end]): [number, number] => [
      Math.max(0, Math.min(start, snippet.length)),
      Math.max(0, Math.min(end, snippet.length)),
    ])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const segments: SnippetSegment[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    const from = Math.max(start, at);
    if (end <= from) continue;
    if (from > at) segments.push({ text: snippet.slice(at, from), match: false });
    segments.push({ text: snippet.slice(from, end), match: true });
    at = end;
  }
  if (at < snippet.length) segments.push({ text: snippet.slice(at), match: false });
  return segments;
}

/** The local calendar day of a time, as `YYYY-MM-DD`, to tell where a day separator goes. */
export function dayKey(time: Date): string {
  const month = String(time.getMonth() + 1).padStart(2, '0');
  const day = String(time.getDate()).padStart(2, '0');
  return `${time.getFullYear()}-${month}-${day}`;
}

/** Whole local days from `time` to `now` (0 today, 1 yesterday, …). */
export function daysAgo(time: Date, now: Date): number {
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((start(now) - start(time)) / 86_400_000);
}

// Messages of one sender closer together than this share one header.
const GROUP_MS = 5 * 60_000;

/** Whether `message` continues `previous`'s group: same sender, same day, within five minutes. */
export function continuesGroup(previous: ChatMessage | undefined, message: ChatMessage): boolean {
  if (!previous || previous.sender.id !== message.sender.id) return false;
  if (previous.deletedAt !== null || message.deletedAt !== null) return false;
  const a = new Date(previous.createdAt);
  const b = new Date(message.createdAt);
  return dayKey(a) === dayKey(b) && b.getTime() - a.getTime() < GROUP_MS;
}

/** One or two letters for an avatar: the initials of the first and last words of a name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

/** A hue from 0 to 359 derived from an id, so a person keeps one avatar colour everywhere. */
export function hueOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/** Whether `element` is rendered by a `<minimeet-room>`, whose side panel has its own title. */
export function insideRoomElement(element: Element): boolean {
  const root = element.getRootNode();
  return root instanceof ShadowRoot && root.host.localName === 'minimeet-room';
}
