// Dates for people: `1 Dec 2026 (in 8 days)`, relative to when the gate ran (never the clock of
// whoever renders the report later), so golden files and re-rendered reports stay the same.

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// A calendar date with an optional UTC time, as the billing APIs write them.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** True for text an API sent as an ISO 8601 date or date-time. */
export function isIsoDate(text: string): boolean {
  return ISO_DATE.test(text) && Number.isFinite(Date.parse(text));
}

/** `1 Dec 2026`, in UTC; the text unchanged when it is not a date. */
export function displayDay(text: string): string {
  const time = Date.parse(text);
  if (!Number.isFinite(time)) return text;
  const d = new Date(time);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `22 Nov 2026, 00:00 UTC`: when the gate ran. */
export function displayTime(text: string): string {
  const time = Date.parse(text);
  if (!Number.isFinite(time)) return text;
  const d = new Date(time);
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${displayDay(text)}, ${hhmm} UTC`;
}

/** `1 Dec 2026 (in 8 days)`, `20 Nov 2026 (2 days ago)`, `(today)`, counted in whole UTC days from `now`. */
export function displayRelativeDay(text: string, now: string): string {
  const then = Date.parse(text);
  const at = Date.parse(now);
  if (!Number.isFinite(then) || !Number.isFinite(at)) return displayDay(text);
  const days = Math.round((startOfDay(then) - startOfDay(at)) / DAY_MS);
  const plural = (n: number) => (n === 1 ? '1 day' : `${n} days`);
  const when = days === 0 ? 'today' : days > 0 ? `in ${plural(days)}` : `${plural(-days)} ago`;
  return `${displayDay(text)} (${when})`;
}

function startOfDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}
