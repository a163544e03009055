// Shanghai local time (UTC+8 all year: China has kept no daylight saving since 1991) to and from
// the API's RFC 3339 timestamps.
const OFFSET_MS = 8 * 3600 * 1000;

/** "2026-07-15T16:30" (Shanghai, from a datetime-local input) to an RFC 3339 UTC timestamp. */
export function fromLocal(value) {
  if (!value) return undefined;
  const [date, time] = value.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Date(Date.UTC(y, mo - 1, d, hh, mm) - OFFSET_MS).toISOString();
}

/** An RFC 3339 timestamp to the datetime-local value in Shanghai. */
export function toLocal(timestamp) {
  if (!timestamp) return '';
  return new Date(Date.parse(timestamp) + OFFSET_MS).toISOString().slice(0, 16);
}

/** A timestamp for people: "2026-07-15 16:30" Shanghai time. */
export function show(timestamp) {
  if (!timestamp) return '';
  return new Date(Date.parse(timestamp) + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** "1:05:09" until the timestamp (negative when past). */
export function countdown(timestamp, now = Date.now()) {
  const ms = Date.parse(timestamp) - now;
  const s = Math.floor(Math.abs(ms) / 1000);
  const text = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return { late: ms < 0, text };
}
