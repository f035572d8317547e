/** Formats counts and times for the dashboard in the page's locale. */
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A number with at most one decimal, or an en dash for none. */
export function formatNumber(value: number | null | undefined): string {
  return value == null ? '–' : number.format(value);
}

/** A date and time such as `7 Dec 2026, 03:40`. */
export function formatDateTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

/** A time of day with seconds. */
export function formatTime(iso: string | null): string {
  return iso ? time.format(new Date(iso)) : '–';
}

/** A duration such as `1 h 4 min`, `3 min 20 s` or `12 s`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
