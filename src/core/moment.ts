/**
 * Moments given on the command line (`down --before 2h`, `--before 2025-03-01T12:00Z`) and the
 * instants the history records (`installedAt`), compared in milliseconds since the epoch. Pure: the
 * caller passes "now".
 */
import { NeomigError } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(?:\d+[smhdw])+$/;
// date, optional time with optional fraction (any number of digits) and optional offset
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `2h`, `30m`, `1d`, `1h30m` (before now), or an ISO 8601 date or date-time. A date-time without an
 * offset is UTC (the history records UTC), so a value means the same on every machine.
 */
export function parseMoment(text: string, now: number): number {
  const t = text.trim();
  if (RELATIVE.test(t)) {
    let ms = 0;
    for (const [, n, unit] of t.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * UNIT_MS[unit!]!;
    return now - ms;
  }
  const ms = isoToMillis(t);
  if (ms === null) {
    throw new NeomigError('USAGE', `--before ${text}: not a time`, {
      hint: 'Give an ISO 8601 time such as 2025-03-01T12:00:00Z (UTC when no offset is given), or a time ago such as 2h, 30m, 1d, 1h30m.',
    });
  }
  // nothing can have been applied after a time to come: a typo (the year?) would otherwise pass as "nothing to do"
  if (ms > now + FUTURE_SLACK_MS) {
    throw new NeomigError('USAGE', `--before ${text}: is in the future (now is ${new Date(now).toISOString()})`, {
      hint: 'Give a time in the past; `neomig down --all` reverses every applied migration.',
    });
  }
  return ms;
}

/** How far ahead of this machine's clock a --before time may be (another machine's clock may run ahead). */
const FUTURE_SLACK_MS = 60_000;

/** Milliseconds since the epoch of an ISO 8601 date-time (nanosecond fractions as Neo4j prints them,
 *  cut to milliseconds), or null when it is not one. */
export function isoToMillis(text: string): number | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, date, time = '00:00:00', fraction = '', offset = 'Z'] = m;
  const hms = time.length === 5 ? `${time}:00` : time;
  const ms = (fraction + '000').slice(0, 3);
  const zone = offset.toUpperCase() === 'Z' ? 'Z' : offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const value = Date.parse(`${date}T${hms}.${ms}${zone}`);
  if (Number.isNaN(value)) return null;
  // Date.parse rolls an impossible day over (2026-02-30 is March 2nd): the fields must read back
  const [y, mo, d] = date!.split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(y, mo - 1, d));
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d) return null;
  const [h, mi, sec = 0] = hms.split(':').map(Number) as [number, number, number?];
  return h > 23 || mi > 59 || sec > 59 ? null : value;
}

/**
 * Orders two recorded instants (`installedAt`, as Neo4j prints them) by time, to the nanosecond. Not
 * by their text: Neo4j drops a fraction's trailing zeros (`…:05.12Z` is before `…:05.123Z`, and
 * `…:05Z` before `…:05.5Z`, though the text sorts the other way). An unreadable one sorts first.
 */
export function compareInstants(a: string, b: string): number {
  const key = (text: string): [number, string] => {
    const fraction = ISO.exec(text.trim())?.[3] ?? '';
    return [isoToMillis(text) ?? Number.NEGATIVE_INFINITY, fraction.padEnd(9, '0').slice(3, 9)];
  };
  const [ma, na] = key(a);
  const [mb, nb] = key(b);
  if (ma !== mb) return ma < mb ? -1 : 1;
  return na < nb ? -1 : na > nb ? 1 : 0;
}
