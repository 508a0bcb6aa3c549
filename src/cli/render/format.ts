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

/** "2025-03-01 12:00" (UTC) from an ISO timestamp: the status table's compact time. */
export function formatShortTimestamp(iso: string | undefined | null): string {
  return formatTimestamp(iso).replace(/^(\d{4}-\d\d-\d\d \d\d:\d\d):\d\d(Z)?$/, '$1');
}

/** `text` cut to `width` characters, the last one an ellipsis when something was cut. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** `text` broken at spaces into lines of at most `width` characters (a longer word, such as a file
 *  name, is broken where the width ends). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const piece = new RegExp(`.{1,${Math.max(1, width)}}`, 'g');
  const words = text.split(/\s+/).filter(Boolean).flatMap((w) => w.match(piece) ?? []);
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** The first line of a statement, shortened for a progress line. */
export function firstLine(text: string, max = 60): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('//')) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "1 migration" / "3 migrations"; `show` writes the number (e.g. formatCount: "1,024 nodes") */
export function plural(n: number, word: string, show: (n: number) => string = String): string {
  return `${show(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** A version for people: "1.2.0", or "(empty)" for a database with nothing applied. */
export function versionLabel(v: string | null | undefined): string {
  return v ?? '(none)';
}
