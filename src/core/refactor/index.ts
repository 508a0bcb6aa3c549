/**
 * Refactorings that write their own down: from a description (kind + options) to the up, the down,
 * the validate queries and the checks that refuse when the down could not be exact. Pure.
 */
import { NeomigError } from '../../errors.js';
import { literal } from './cypher.js';
import { mergeNodes } from './merge.js';
import { addProperty, normalizeBoolean, transformProperty } from './properties.js';
import { renameLabel, renameProperty } from './rename.js';
import { renameType, retypeRelationship } from './relationships.js';
import {
  REFACTOR_KINDS, type PlanOptions, type RefactorCheck, type RefactorKind, type RefactorOptionsByKind, type RefactorPlan,
} from './types.js';

export * from './types.js';
export { DEFAULT_BATCH_SIZE, NEOMIG_LABELS, literal } from './cypher.js';
export { DEFAULT_FALSE, DEFAULT_TRUE, PREV_PREFIX } from './properties.js';

export function isRefactorKind(kind: string): kind is RefactorKind {
  return (REFACTOR_KINDS as readonly string[]).includes(kind);
}

/** The plan of one refactoring; throws USAGE for a bad name, value or missing option. */
export function planRefactor<K extends RefactorKind>(
  kind: K,
  options: RefactorOptionsByKind[K],
  plan: PlanOptions = {},
): RefactorPlan {
  const o = options as never;
  switch (kind as RefactorKind) {
    case 'rename-label':
      return renameLabel(o);
    case 'rename-type':
      return renameType(o);
    case 'rename-property':
      return renameProperty(o);
    case 'retype-relationship':
      return retypeRelationship(o);
    case 'add-property':
      return addProperty(o, plan);
    case 'transform-property':
      return transformProperty(o);
    case 'normalize-boolean':
      return normalizeBoolean(o, plan);
    case 'merge-nodes':
      return mergeNodes(o);
    default:
      throw new NeomigError('USAGE', `unknown refactoring ${JSON.stringify(kind)}`, {
        hint: `Use one of ${REFACTOR_KINDS.join(', ')}.`,
      });
  }
}

/** The message a refused refactoring gives for a check that found `count` entities in the way. */
export function refusal(plan: RefactorPlan, check: RefactorCheck, count: number | string): string {
  return `refused to ${plan.title}: ${count} ${check.problem}`;
}

/**
 * A check as a statement of a Cypher file: when the check finds something, it fails with the refusal as
 * its message, before the up changed anything. Cypher 5 has no way to raise an error of one's own, so
 * it asks for a full-text index named by the message, which cannot exist; the error carries the name.
 */
export function guardStatement(plan: RefactorPlan, check: RefactorCheck): string {
  const message = `neomig ${refusal(plan, check, '{n}')}; to accept an inexact down, write the migration again with --force`;
  const [before, after] = message.split('{n}') as [string, string];
  const fail = `CALL db.index.fulltext.queryNodes(${literal(before)} + c + ${literal(after)}, '') YIELD node`;
  return `${check.query} WHERE c > 0\n${fail}\nRETURN node`;
}

/** The statements the up runs, with the checks as guards unless the refactoring is allowed to be inexact. */
export function upStatements(plan: RefactorPlan, allowInexact: boolean): string[] {
  return [...(allowInexact ? [] : plan.checks.map((c) => guardStatement(plan, c))), ...plan.up];
}
