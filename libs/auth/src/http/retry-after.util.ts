/**
 * `Retry-After` of an identity-provider answer in seconds (delta-seconds or an HTTP date), clamped
 * to [1, 3600]; `fallback` when absent or unreadable.
 * @internal
 */
export function retryAfterSeconds(headers: Readonly<Record<string, string>>, fallback: number): number {
  const raw = headers['retry-after'] ?? headers['Retry-After'];
  if (raw === undefined) return fallback;
  let seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds)) {
    const date = Date.parse(raw);
    seconds = Number.isNaN(date) ? fallback : Math.ceil((date - Date.now()) / 1000);
  }
  return Math.min(3600, Math.max(1, Math.ceil(seconds)));
}
