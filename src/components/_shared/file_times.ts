/** Go's `time.RFC3339` layout in the local time zone: `2006-01-02T15:04:05Z07:00` (`Z` for UTC). */
export function rfc3339(d: Date): string {
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
  const year = d.getFullYear();
  const y = year >= 0 && year < 10000 ? String(year).padStart(4, '0') : String(year);
  const base = `${y}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  const offset = -d.getTimezoneOffset();
  if (offset === 0) return base + 'Z';
  const abs = Math.abs(offset);
  return `${base}${offset > 0 ? '+' : '-'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}
