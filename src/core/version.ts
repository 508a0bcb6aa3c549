/**
 * Migration versions: what a file name's version part means, and how versions order.
 * Everything is normalized to full semver ("1.2.0") so history, targets and file names compare alike.
 */
import semver from 'semver';
import { NeomigError } from '../errors.js';
import { isRepeatableKey } from './repeatable.js';

// Numeric part: one to three components separated by `.` or `_` (file names favour `_`). A component
// may be zero-padded ("0001", as neo4j-migrations and Flyway users number their files): the padding is
// dropped, so "0001" is 1.0.0. Two files that spell one version differently ("V1__", "V0001__",
// "V1.0.0__") are the duplicate discovery reports, naming both. A prerelease uses dots only, and keeps
// semver's rule (no leading zeros in its numbers); build metadata ("+sha") is refused because semver
// ignores it when ordering, which would let two files share one version without looking alike.
const VERSION_RE = /^(\d+)(?:[._](\d+))?(?:[._](\d+))?(-[0-9A-Za-z.-]+)?$/;

/** Normalizes "1", "1.2", "1_2_0", "0001", "1.2.0-rc.1" to full semver; null when `raw` is not a version. */
export function parseVersion(raw: string): string | null {
  const m = VERSION_RE.exec(raw);
  if (!m) return null;
  const [, major, minor = '0', patch = '0', pre = ''] = m;
  const number = (digits: string) => digits.replace(/^0+(?=\d)/, '');
  return semver.valid(`${number(major!)}.${number(minor)}.${number(patch)}${pre}`);
}

/**
 * The next version of a folder that numbers its migrations with plain integers (`V1__`, `V0007__`): the
 * highest plus one, zero-padded to the widest spelling ("0008"). A folder numbered with timestamps
 * (`V20250301120000__`, 12 or 14 digits: yyyyMMddHHmm[ss], as Flyway users often do) takes the time
 * `now` (UTC) in that form, or the highest plus one when that is not later. null when any spelling is
 * not a plain integer, or there are none: such a folder takes a semver bump (bumpVersion).
 */
export function nextIntegerSpelling(spellings: readonly string[], now = new Date()): string | null {
  if (spellings.length === 0 || !spellings.every((s) => /^\d+$/.test(s))) return null;
  const highest = spellings.reduce((max, s) => (BigInt(s) > max ? BigInt(s) : max), 0n);
  const width = Math.max(...spellings.map((s) => s.length));
  const next = (highest + 1n).toString().padStart(width, '0');
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, width);
  const timestamps = (width === 12 || width === 14) && spellings.every((s) => s.length === width && /^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/.test(s));
  return timestamps && BigInt(stamp) > highest ? stamp : next;
}

/** Semver order of two normalized versions: negative, zero or positive; a prerelease sorts first. */
export function compareVersions(a: string, b: string): number {
  return semver.compare(a, b);
}

/** A new array of the versions in ascending semver order. */
export function sortVersions(list: readonly string[]): string[] {
  return [...list].sort(compareVersions);
}

/** The highest version in the list, or null when it is empty. Repeatables' keys (`R__…`) have no
 *  version and are passed over. */
export function maxVersion(list: readonly string[]): string | null {
  let max: string | null = null;
  for (const v of list) {
    if (isRepeatableKey(v)) continue;
    if (max === null || compareVersions(v, max) > 0) max = v;
  }
  return max;
}

/** The version `neomig create` proposes after `latest` (null: no migration yet, so 1.0.0). */
export function bumpVersion(latest: string | null, part: 'major' | 'minor' | 'patch'): string {
  if (latest === null) return '1.0.0';
  const current = parseVersion(latest);
  const next = current === null ? null : semver.inc(current, part);
  if (next === null) {
    throw new NeomigError('USAGE', `Cannot bump "${latest}": it is not a version`, {
      hint: 'Pass an explicit version, e.g. --version 1.3.0',
    });
  }
  return next;
}

/** Whether a Neo4j server version ("5.26.0", "2025.01.0", "5.27-aura") satisfies a semver range. */
export function neo4jVersionSatisfies(serverVersion: string, range: string): boolean {
  // Calendar releases are zero-padded ("2025.01.0"), which strict semver rejects.
  const coerced = semver.coerce(stripLeadingZeros(serverVersion));
  const valid = semver.validRange(stripLeadingZeros(range));
  return coerced !== null && valid !== null && semver.satisfies(coerced, valid);
}

/** Removes zero padding from every number in a version or range: ">=2025.01" -> ">=2025.1". */
export function stripLeadingZeros(text: string): string {
  return text.replace(/\b0+(\d)/g, '$1');
}
