/** Small formatters shared by the renderers. */

/** 850ms, 1.2s, 2m 03s */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** The non-zero counters, e.g. "nodesCreated 3, indexesAdded 1"; empty when nothing changed. */
export function formatCounters(counters: Record<string, number> | undefined): string {
  if (!counters) return '';
  return Object.entries(counters)
    .filter(([, n]) => typeof n === 'number' && n !== 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

/** "2025-03-01 12:00:05Z" from an ISO timestamp. */
export function formatTimestamp(iso: string | undefined | null): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+(Z|[+-]\d\d:?\d\d)?$/, '$1');
}

/** The first line of a statement, shortened for a progress line. */
export function firstLine(text: string, max = 60): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('//')) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "1 migration" / "3 migrations" */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A version for people: "1.2.0", or "(empty)" for a database with nothing applied. */
export function versionLabel(v: string | null | undefined): string {
  return v ?? '(none)';
}
