import { median, min } from './stats.js';

export type Role = 'bare' | 'bare-await' | 'neo4j-migrations';

/** One contender's times on one workload, by round. */
export interface Series {
  workload: string;
  contender: string;
  role?: Role;
  /** wall times by round index */
  ms: number[];
}

const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '');

/**
 * The table: min and median per contender, and the ratio of medians to the bare driver, to the bare
 * driver that awaits indexes, and to neo4j-migrations; then each round's ratio to the bare driver
 * (from the same round, so a noisy round shows as one).
 */
export function table(all: Series[]): string {
  const header = ['workload', 'contender', 'runs', 'min', 'median', '÷ bare', '÷ bare+await', '÷ neo4j-migrations', '÷ bare, by round'];
  const rows: string[][] = [];
  for (const workload of [...new Set(all.map((s) => s.workload))]) {
    const series = all.filter((s) => s.workload === workload);
    const of = (role: Role) => series.find((s) => s.role === role);
    const [bare, bareAwait, jvm] = [of('bare'), of('bare-await'), of('neo4j-migrations')];
    for (const s of series) {
      const m = median(s.ms);
      const byRound = bare && s !== bare ? s.ms.map((x, r) => (bare.ms[r] ? (x / bare.ms[r]!).toFixed(2) : '?')).join(' ') : '';
      rows.push([
        workload,
        s.contender,
        String(s.ms.length),
        fmt(min(s.ms)),
        fmt(m),
        s === bare ? '1' : ratio(m, bare && median(bare.ms)),
        s === bareAwait ? '1' : ratio(m, bareAwait && median(bareAwait.ms)),
        s === jvm ? '1' : ratio(m, jvm && median(jvm.ms)),
        byRound,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Issue #8's goals, checked against the medians of the neomig CLI rows. */
export function goals(all: Series[], dataRoundTrips?: number): string[] {
  const out: string[] = [];
  const med = (workload: string, pick: (s: Series) => boolean) => {
    const s = all.find((x) => x.workload === workload && pick(x));
    return s && s.ms.length > 0 ? median(s.ms) : undefined;
  };
  const check = (label: string, value: number | undefined, limit: number, unit = '×') => {
    if (value === undefined) return;
    out.push(`${value <= limit ? 'met    ' : 'NOT met'}  ${label}: ${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit})`);
  };
  for (const workload of [...new Set(all.map((s) => s.workload))]) {
    const kind = /^(data|index|status)-\d+$/.exec(workload)?.[1];
    if (!kind) continue;
    const cli = med(workload, (s) => s.contender === 'neomig CLI');
    if (cli === undefined) continue;
    const bare = med(workload, (s) => s.role === (kind === 'index' ? 'bare-await' : 'bare'));
    const jvm = med(workload, (s) => s.role === 'neo4j-migrations');
    check(`${workload} neomig CLI ÷ ${kind === 'index' ? 'bare + awaitIndexes' : kind === 'status' ? 'connect + RETURN 1' : 'bare driver'}`,
      bare && cli / bare, kind === 'index' ? 1.3 : 1.5);
    if (kind !== 'status') check(`${workload} neomig CLI ÷ neo4j-migrations`, jvm && cli / jvm, 0.5);
  }
  check('round trips per additional data migration', dataRoundTrips, 4, '');
  return out;
}
