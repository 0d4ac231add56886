// How the Data Manager (Python) prints times: `datetime.isoformat()` of a naive UTC datetime and
// `str(timedelta)`.

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * `2024-05-01T10:11:12.123456`: no zone suffix; six fraction digits, or none at all when the
 * microsecond is zero (Python leaves the fraction out then). `micros` adds sub-millisecond digits.
 */
export function isoformat(ms: number, micros = 0): string {
  const d = new Date(ms);
  const base =
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const microsecond = d.getUTCMilliseconds() * 1000 + micros;
  return microsecond === 0 ? base : `${base}.${pad(microsecond, 6)}`;
}

/** `0:12:32`, `1 day, 2:03:04`, `3 days, 0:00:01.250000` */
export function timedelta(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const days = Math.floor(total / 86_400_000);
  const rest = total - days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  const minutes = Math.floor((rest % 3_600_000) / 60_000);
  const seconds = Math.floor((rest % 60_000) / 1000);
  const millis = rest % 1000;
  const clock = `${hours}:${pad(minutes)}:${pad(seconds)}${millis === 0 ? '' : `.${pad(millis * 1000, 6)}`}`;
  return days === 0 ? clock : `${days} day${days === 1 ? '' : 's'}, ${clock}`;
}
