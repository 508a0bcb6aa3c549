/**
 * `neomig check --fix`: a reviewable migration pair that makes a pending constraint succeed, and the
 * version it gets. The up moves offending values aside (never deletes them), the down puts them back
 * exactly. The pair must run before the migration creating the constraint, so it takes a free version
 * between the highest version below that migration (applied or local) and that migration's version.
 */
import semver from 'semver';
import { NeomigError } from '../errors.js';
import { type ConstraintCheck, FIX_MARKER } from './check.js';
import { constraintSlug, describeConstraint, quoteName } from './constraints.js';
import { compareVersions } from './version.js';

export interface FixPair {
  version: string;
  /** `fix <constraint>`: becomes the file name `V<version>__fix_<constraint>.up.cypher` */
  description: string;
  up: string;
  down: string;
  /** the migration whose constraint it fixes */
  before: string;
}

/**
 * The version for a fix that must run right before `before`: the patch after the highest known version
 * below it (1.0.1 between 1.0.0 and 1.1.0), else a prerelease of `before` (1.0.1-fix.1 between 1.0.0
 * and 1.0.1). `known` holds every local and applied version, and fixes placed already.
 */
export function fixVersion(before: string, known: readonly string[]): string {
  const lower = known.filter((v) => compareVersions(v, before) < 0).sort(compareVersions).at(-1) ?? null;
  const candidates: string[] = [];
  if (lower) candidates.push(semver.inc(lower, 'patch') ?? '');
  for (let i = 1; i <= 9; i++) candidates.push(`${before}-fix.${i}`);
  if (lower && semver.prerelease(lower)) candidates.push(`${lower}.1`);
  const free = candidates.find(
    (v) => semver.valid(v) && compareVersions(v, before) < 0 && (!lower || compareVersions(v, lower) > 0) && !known.includes(v),
  );
  if (!free) {
    throw new NeomigError('USAGE', `no free version between ${lower ?? 'the start'} and ${before} for a fix migration`, {
      version: before,
      hint: `Write the fix by hand with \`neomig create <description> --version <v>\`, choosing a version below ${before}.`,
    });
  }
  return free;
}

/** The up and down scripts that resolve what `check` found against one constraint. */
export function fixPair(check: ConstraintCheck, version: string): FixPair {
  const { spec, violations } = check;
  const slug = constraintSlug(spec);
  const n = 'n';
  const match = spec.entity === 'node' ? `MATCH (${n}:${quoteName(spec.target)})` : `MATCH ()-[${n}:${quoteName(spec.target)}]->()`;
  const prop = (p: string) => `${n}.${quoteName(p)}`;
  const aside = (p: string) => `${n}.${quoteName(`neomig_fix_${slug}_${p}`)}`;
  const what = spec.entity === 'node' ? 'node' : 'relationship';
  const up: string[] = [
    `${FIX_MARKER} ${describeConstraint(spec)}`,
    `// Written by \`neomig check --fix\` for constraint ${spec.name ?? '(unnamed)'} (${describeConstraint(spec)}),`,
    `// which ${check.file} creates at line ${check.line}. Review it, then run \`neomig up\`: it runs before that`,
    '// migration. Nothing is deleted: values move aside into neomig_fix_* properties, which the down moves back.',
  ];
  const down: string[] = [`// Undoes V${version}__fix_${slug}: puts back exactly what its up moved aside.`];
  if (violations?.duplicates?.groups) {
    const all = spec.properties.map(prop);
    up.push(
      '',
      `// ${violations.duplicates.groups} values are held by more than one ${what} (${violations.duplicates.entities} in all). For each`,
      `// value the ${what} first in element id order keeps it; the others' ${spec.properties.join(', ')} move aside.`,
      ...(spec.rule === 'key'
        ? [
            `// A key also needs every ${what} to have ${spec.properties.join(', ')}: give the ones moved aside new values`,
            '// below, or delete them, or the constraint will still fail.',
          ]
        : []),
      `${match} WHERE ${all.map((p) => `${p} IS NOT NULL`).join(' AND ')}`,
      `WITH [${all.join(', ')}] AS value, ${n} ORDER BY elementId(${n})`,
      `WITH value, collect(${n}) AS holders WHERE size(holders) > 1`,
      `UNWIND holders[1..] AS ${n}`,
      `SET ${spec.properties.map((p) => `${aside(p)} = ${prop(p)}`).join(', ')}`,
      `REMOVE ${all.join(', ')};`,
    );
    for (const p of spec.properties) {
      down.push('', `${match} WHERE ${aside(p)} IS NOT NULL`, `SET ${prop(p)} = ${aside(p)}`, `REMOVE ${aside(p)};`);
    }
  }
  if (violations?.missing?.count) {
    const mark = aside('missing');
    const missing = spec.properties.map((p) => `${prop(p)} IS NULL`).join(' OR ');
    up.push(
      '',
      `// ${violations.missing.count} ${what}s lack ${spec.properties.join(' or ')}, which the constraint requires. neomig cannot`,
      '// choose values for you: decide, and add the statement here, for example',
      `//   ${match} WHERE ${missing} SET ${prop(spec.properties[0]!)} = 'unknown-' + elementId(${n});`,
      `// or delete them (the down cannot bring deleted ${what}s back). This statement only marks them:`,
      `${match} WHERE ${missing}`,
      `SET ${mark} = true;`,
    );
    down.push(
      '',
      `// the marked ${what}s had no ${spec.properties.join(', ')}: whatever the up gave them goes`,
      `${match} WHERE ${mark} IS NOT NULL`,
      `REMOVE ${[...spec.properties.map(prop), mark].join(', ')};`,
    );
  }
  if (violations?.wrongType?.count) {
    const p = spec.properties[0]!;
    up.push(
      '',
      `// ${violations.wrongType.count} ${what}s hold a ${p} that is not ${spec.propertyType}: it moves aside.`,
      `${match} WHERE NOT ${prop(p)} IS :: ${spec.propertyType}`,
      `SET ${aside(p)} = ${prop(p)}`,
      `REMOVE ${prop(p)};`,
    );
    down.push('', `${match} WHERE ${aside(p)} IS NOT NULL`, `SET ${prop(p)} = ${aside(p)}`, `REMOVE ${aside(p)};`);
  }
  return { version, description: `fix ${slug}`, up: up.join('\n') + '\n', down: down.join('\n') + '\n', before: check.version };
}
