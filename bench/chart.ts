// Draws docs/benchmarks.svg from bench/results/latest.json (a full run only): cached on-behalf-of
// token lookup latency against the number of cached users (log-log), ours beside raw msal-node;
// and the guard's requests per second, side by side. Plain SVG, no chart library.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLatest, repoRoot } from './results.js';

interface CacheRow {
  users: number;
  ours_p50_us: number | null;
  msal_p50_us: number | null;
}

const W = 960;
const H = 420;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
const OURS = '#0a7d3b';
const MSAL = '#c2410c';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (n: number) =>
  n >= 1000 ? `${Math.round(n).toLocaleString('en-US')}` : n >= 10 ? n.toFixed(0) : n.toFixed(1);

/** A log-log line chart in the box (x, y, w, h). */
function latencyPanel(rows: readonly CacheRow[], x: number, y: number, w: number, h: number): string {
  const xs = rows.map((r) => r.users);
  const ys = rows.flatMap((r) => [r.ours_p50_us, r.msal_p50_us]).filter((v): v is number => v !== null && v > 0);
  const x0 = Math.log10(Math.max(1, Math.min(...xs)));
  const x1 = Math.log10(Math.max(...xs));
  const y0 = Math.floor(Math.log10(Math.min(...ys)));
  const y1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (users: number) => x + ((Math.log10(users) - x0) / (x1 - x0 || 1)) * w;
  const py = (us: number) => y + h - ((Math.log10(us) - y0) / (y1 - y0 || 1)) * h;
  const out: string[] = [];
  for (let e = y0; e <= y1; e++) {
    const v = 10 ** e;
    out.push(`<line x1="${x}" x2="${x + w}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${x - 8}" y="${py(v) + 4}" text-anchor="end" font-size="11" ${FONT}>${fmt(v)} µs</text>`);
  }
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) {
    const v = 10 ** e;
    out.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${y}" y2="${y + h}" stroke="#eee"/>`);
    out.push(`<text x="${px(v)}" y="${y + h + 16}" text-anchor="middle" font-size="11" ${FONT}>${fmt(v)}</text>`);
  }
  out.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  const series = (key: 'ours_p50_us' | 'msal_p50_us', color: string) => {
    const pts = rows
      .filter((r) => r[key] !== null && r[key] > 0)
      .map((r) => [px(r.users), py(r[key]!), r[key]!] as const);
    if (!pts.length) return;
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [a, b, v] of pts) {
      out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="4" fill="${color}"/>`);
      out.push(
        `<text x="${(a + 6).toFixed(1)}" y="${(b - 6).toFixed(1)}" font-size="10" fill="${color}" ${FONT}>${fmt(v)}</text>`,
      );
    }
  };
  series('msal_p50_us', MSAL);
  series('ours_p50_us', OURS);
  out.push(
    `<text x="${x + w / 2}" y="${y + h + 34}" text-anchor="middle" font-size="12" ${FONT}>cached users (log scale)</text>`,
  );
  out.push(
    `<text x="${x}" y="${y - 12}" font-size="14" font-weight="600" ${FONT}>Cached on-behalf-of token lookup, p50 (log scale, lower is better)</text>`,
  );
  out.push(`<rect x="${x + 12}" y="${y + 10}" width="12" height="12" fill="${OURS}"/>`);
  out.push(`<text x="${x + 30}" y="${y + 20}" font-size="12" ${FONT}>nest-identity-web</text>`);
  out.push(`<rect x="${x + 12}" y="${y + 28}" width="12" height="12" fill="${MSAL}"/>`);
  out.push(`<text x="${x + 30}" y="${y + 38}" font-size="12" ${FONT}>msal-node (one shared client)</text>`);
  return out.join('\n');
}

/** Vertical bars in the box (x, y, w, h). */
function rpsPanel(
  bars: readonly { label: string; value: number; color: string }[],
  x: number,
  y: number,
  w: number,
  h: number,
): string {
  const max = Math.max(...bars.map((b) => b.value), 1);
  const slot = w / bars.length;
  const out: string[] = [`<line x1="${x}" x2="${x + w}" y1="${y + h}" y2="${y + h}" stroke="#999"/>`];
  bars.forEach((b, i) => {
    const bh = (b.value / max) * (h - 20);
    const bx = x + i * slot + slot * 0.15;
    out.push(
      `<rect x="${bx.toFixed(1)}" y="${(y + h - bh).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${bh.toFixed(1)}" fill="${b.color}"/>`,
    );
    out.push(
      `<text x="${(bx + slot * 0.35).toFixed(1)}" y="${(y + h - bh - 6).toFixed(1)}" text-anchor="middle" font-size="12" ${FONT}>${fmt(b.value)}</text>`,
    );
    b.label.split('\n').forEach((line, k) => {
      out.push(
        `<text x="${(bx + slot * 0.35).toFixed(1)}" y="${y + h + 16 + k * 14}" text-anchor="middle" font-size="11" ${FONT}>${esc(line)}</text>`,
      );
    });
  });
  out.push(
    `<text x="${x}" y="${y - 12}" font-size="14" font-weight="600" ${FONT}>Protected route, requests/s (higher is better)</text>`,
  );
  return out.join('\n');
}

export function renderChart(latest: Record<string, unknown>): string {
  const rows = (latest.obo_cache_hit as CacheRow[] | undefined) ?? [];
  const rps = (latest.guard_rps as Record<string, number> | undefined) ?? {};
  const bars = [
    { label: 'no guard', value: rps.unprotected ?? 0, color: '#6b7280' },
    { label: 'ours\n(cache on)', value: rps.ours ?? 0, color: OURS },
    { label: 'ours, every\ntoken new', value: rps.ours_first_sight ?? 0, color: '#34a853' },
    { label: 'passport-\nazure-ad', value: rps.passport_azure_ad ?? 0, color: MSAL },
    { label: 'signature\ncheck only', value: rps.verify_only ?? 0, color: '#9ca3af' },
  ];
  const when = typeof latest.generated_at === 'string' ? latest.generated_at.slice(0, 10) : '';
  const node = typeof latest.node === 'string' ? latest.node : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    latencyPanel(rows, 70, 50, 440, 280),
    rpsPanel(bars, 580, 50, 350, 280),
    `<text x="${W - 10}" y="${H - 10}" text-anchor="end" font-size="10" fill="#666" ${FONT}>npm run bench, ${esc(when)}, Node ${esc(node)}, loopback, same run</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes docs/benchmarks.svg; returns its path. */
export function writeChart(): string {
  const path = join(repoRoot, 'docs', 'benchmarks.svg');
  writeFileSync(path, renderChart(readLatest()));
  return path;
}
