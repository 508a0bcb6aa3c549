/**
 * neo4j-migrations' precondition comments, read so that its Cypher files work unchanged:
 *
 *   // assume that edition is enterprise        -> assume.edition
 *   // assert that version is ge 4.4            -> requires.neo4j ">=4.4"   (lt: "<4.4")
 *   // assume that version is 4.3, 4.4 or 5.0   -> assume.neo4j "4.3 || 4.4 || 5.0" (that release line)
 *   // assume q' MATCH (b:Book) RETURN count(b) = 0            -> assume.query
 *   // assert in target q' ... / // assert in schema q' ...    -> requires.query (one database: see README)
 *
 * `assert` stops the run like `requires`; `assume` skips the migration like `assume`. Every `//` line of
 * the file counts, wherever it stands, as in neo4j-migrations; several lines must all hold (AND).
 * Pure: the conditions are evaluated by the runner (runner/preconditions.ts).
 */
import { NeomigError } from '../errors.js';
import type { MigrationMeta, Plan, PlanStep, Requirements } from './types.js';
import { compareVersions } from './version.js';

export interface PreconditionComment {
  /** `assert` stops the run (requires), `assume` skips the migration */
  type: 'assert' | 'assume';
  /** 1-based line in the file */
  line: number;
  condition: { neo4j: string } | { edition: 'community' | 'enterprise' } | { query: string };
}

// The same gate as neo4j-migrations: only `assume|assert [in target|schema] (that|q')` is meant as one.
const GATE = /^\s*\/\/\s*(assume|assert)(?: in (?:schema|target))? (?:that|q')/i;
const EDITION = /^\s*\/\/\s*(?:assume|assert) that edition is *(\w+)?\s*\.?\s*$/i;
const VERSION = /^\s*\/\/\s*(?:assume|assert) that version is\s*(?:(lt|ge)\s+)?(.*)$/i;
const QUERY = /^\s*\/\/\s*(?:assume|assert)(?: in (target|schema))? q'(.*)$/i;
const USAGE = [
  '`// assume|assert that edition is <community|enterprise>`',
  '`// assume|assert that version is [lt|ge] <versions>`',
  "`// assume|assert [in target|schema] q' <Cypher returning a boolean>`",
].join(', ');

/** The precondition comments of a Cypher file, in file order; throws MIGRATION_FILE for a malformed one. */
export function readPreconditionComments(text: string, file: string): PreconditionComment[] {
  const out: PreconditionComment[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const gate = GATE.exec(raw);
    if (!gate) return;
    const line = i + 1;
    const type = gate[1]!.toLowerCase() as PreconditionComment['type'];
    const fail = (problem: string): never => {
      throw new NeomigError('MIGRATION_FILE', `${file}:${line}: ${problem}: ${raw.trim()}`, { file, line, hint: `Write it as one of ${USAGE}.` });
    };
    const edition = EDITION.exec(raw);
    if (edition) {
      const value = edition[1]?.toLowerCase();
      if (value !== 'community' && value !== 'enterprise') fail('the edition must be community or enterprise');
      out.push({ type, line, condition: { edition: value as 'community' | 'enterprise' } });
      return;
    }
    const version = VERSION.exec(raw);
    if (version) {
      const neo4j = versionRange(version[1]?.toLowerCase(), version[2] ?? '') ?? fail('the versions are not major.minor.patch numbers');
      out.push({ type, line, condition: { neo4j } });
      return;
    }
    const query = QUERY.exec(raw);
    if (query) {
      const cypher = (query[2] ?? '').trim().replace(/;$/, '').trim();
      if (cypher === '') fail('the query is missing');
      out.push({ type, line, condition: { query: cypher } });
      return;
    }
    fail('not a precondition neomig understands');
  });
  return out;
}

/** `ge 4.4` -> ">=4.4"; `lt 4.4` -> "<4.4"; `4.3, 4.4 or 5` -> "4.3 || 4.4 || 5" (a release line each). */
function versionRange(mode: string | undefined, text: string): string | null {
  const parts = text.replace(/\bor\b/gi, ',').split(',').map((p) => p.trim()).filter((p, i, all) => p !== '' || all.length === 1);
  // four-part versions (4.0.1.1) are compared on their first three
  const versions = parts.map((p) => (/^\d+(?:\.\d+)*$/.test(p) ? p.split('.').slice(0, 3).join('.') : null));
  if (versions.length === 0 || versions.some((v) => v === null)) return null;
  if (mode === 'ge' || mode === 'lt') return versions.length === 1 ? `${mode === 'ge' ? '>=' : '<'}${versions[0]}` : null;
  return versions.join(' || ');
}

/** Adds the comments' conditions to the metadata's `requires` (assert) and `assume`. */
export function withPreconditionComments(meta: MigrationMeta, comments: PreconditionComment[], file: string): MigrationMeta {
  if (comments.length === 0) return meta;
  const out = { ...meta };
  for (const c of comments) {
    const key = c.type === 'assert' ? 'requires' : 'assume';
    const req: Requirements = { ...(out[key] ?? {}) };
    if ('neo4j' in c.condition) req.neo4j = req.neo4j ? bothRanges(req.neo4j, c.condition.neo4j) : c.condition.neo4j;
    else if ('edition' in c.condition) {
      if (req.edition && req.edition !== c.condition.edition) {
        throw new NeomigError('MIGRATION_FILE', `${file}:${c.line}: asks for the ${c.condition.edition} edition and for the ${req.edition} edition`, {
          file,
          line: c.line,
          hint: 'A server has one edition: keep one of the two lines.',
        });
      }
      req.edition = c.condition.edition;
    } else req.query = [...queriesOf(req), c.condition.query];
    out[key] = req;
  }
  return out;
}

/** Both ranges must hold: every alternative of one joined with every alternative of the other. */
export function bothRanges(a: string, b: string): string {
  const alternatives = (r: string) => r.split('||').map((x) => x.trim());
  return alternatives(a).flatMap((x) => alternatives(b).map((y) => `${x} ${y}`)).join(' || ');
}

/** A requirement's queries as a list (the public type also takes one string). */
export function queriesOf(req: Requirements | undefined): string[] {
  if (!req?.query) return [];
  return Array.isArray(req.query) ? req.query : [req.query];
}

export interface SkippedStep {
  step: PlanStep;
  /** why: the assumptions that did not hold, or the skipped migration it depends on */
  reasons: string[];
}

/**
 * The plan without the steps whose assumptions did not hold, and without the steps that depend on
 * one of those (they could not run without it): both are reported as skipped.
 */
export function skipAssumed(plan: Plan, unmet: ReadonlyMap<string, string[]>): { plan: Plan; skipped: SkippedStep[] } {
  if (unmet.size === 0) return { plan, skipped: [] };
  const skipped: SkippedStep[] = [];
  const gone = new Set<string>();
  const steps = plan.steps.filter((step) => {
    const own = unmet.get(step.version);
    const dep = step.migration?.meta.dependsOn.find((d) => gone.has(d));
    if (!own && !dep) return true;
    gone.add(step.version);
    skipped.push({ step, reasons: own ?? [`depends on ${dep}, which is skipped`] });
    return false;
  });
  const last = steps.at(-1)?.version ?? null;
  const current = plan.currentVersion;
  const targetVersion = last !== null && (current === null || compareVersions(last, current) > 0) ? last : current;
  return { plan: { ...plan, steps, targetVersion }, skipped };
}
