/**
 * How long ago `time` was, in words of `lang` ("5 minutes ago", "yesterday", "vor 2 Stunden"),
 * through `Intl.RelativeTimeFormat`; beyond a week, the date itself.
 */
export function relativeTime(time: Date, now: Date, lang: string): string {
  const seconds = Math.round((time.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  try {
    const format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    if (abs < 60) return format.format(0, 'second');
    if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
    if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
    if (abs < 7 * 86_400) return format.format(Math.round(seconds / 86_400), 'day');
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(time);
  } catch {
    return time.toISOString();
  }
}
