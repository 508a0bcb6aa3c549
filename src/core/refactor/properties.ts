/**
 * Property refactorings that change values: add a property with a default where it is missing,
 * transform a property with an expression, normalize a property to a boolean. The last two keep the
 * old value in `__neomig_prev_<property>` on each entity they change, and the down puts it back.
 */
import { type Scalar, Values, batchSizeOf, batched, expression, matchWhere, name, targetsOf } from './cypher.js';
import type {
  AddPropertyOptions, NormalizeBooleanOptions, PlanOptions, RefactorPlan, TransformPropertyOptions,
} from './types.js';

export const PREV_PREFIX = '__neomig_prev_';
export const DEFAULT_TRUE: Scalar[] = [true, 'true', 'yes', 'y', '1', 1];
export const DEFAULT_FALSE: Scalar[] = [false, 'false', 'no', 'n', '0', 0];

export function addProperty(o: AddPropertyOptions, plan: PlanOptions = {}): RefactorPlan {
  const p = name(o.property, '--property');
  const b = batchSizeOf(o.batchSize);
  const values = new Values(plan.inline ?? false);
  const value = values.ref('default', o.default);
  const targets = targetsOf(o, 'add-property', false);
  const where = targets.map((t) => t.what).join(' and ');
  const shown = JSON.stringify(o.default);
  return {
    kind: 'add-property',
    title: `add property ${o.property} = ${shown} to ${where} that lack it`,
    checks: targets.map((t) => ({
      query: `${matchWhere(t, `${t.v}.${p} = ${value}`)} WITH count(${t.v}) AS c`,
      problem: `${t.what} already have ${o.property} = ${shown}, and the down could not tell them from the ones the up sets`,
    })),
    up: targets.map((t) => batched(matchWhere(t, `${t.v}.${p} IS NULL`), t.v, `SET ${t.v}.${p} = ${value}`, b)),
    down: targets.map((t) => batched(matchWhere(t, `${t.v}.${p} = ${value}`), t.v, `REMOVE ${t.v}.${p}`, b)),
    validate: targets.map((t) => `${matchWhere(t, `${t.v}.${p} IS NULL`)} RETURN count(${t.v}) = 0 AS valid`),
    limits:
      `The down removes ${o.property} wherever it still equals ${shown}: exact when no entity had that value before the up ` +
      `(checked). Values set to ${shown} after the up are removed too; values changed after the up are kept.`,
    params: values.params,
  };
}

export function transformProperty(o: TransformPropertyOptions): RefactorPlan {
  const expr = expression(o.expression, '--expression');
  return keepingPrevious(o, 'transform-property', `transform property ${o.property} with ${expr}`, () => `(${expr})`, '', {});
}

export function normalizeBoolean(o: NormalizeBooleanOptions, plan: PlanOptions = {}): RefactorPlan {
  const values = new Values(plan.inline ?? false);
  const yes = values.ref('trueValues', o.trueValues ?? DEFAULT_TRUE);
  const no = values.ref('falseValues', o.falseValues ?? DEFAULT_FALSE);
  return keepingPrevious(
    o,
    'normalize-boolean',
    `normalize property ${o.property} to a boolean`,
    (v) => `CASE WHEN ${v} IN ${yes} THEN true WHEN ${v} IN ${no} THEN false ELSE null END`,
    // booleans already are what the up would make of them: left alone, and so never touched by the down
    'NOT {p} IS :: BOOLEAN',
    values.params,
    (t, p) => `${matchWhere(t, `${t.v}.${p} IS NOT NULL`, `NOT ${t.v}.${p} IS :: BOOLEAN`)} RETURN count(${t.v}) = 0 AS valid`,
  );
}

/** Sets a property to `compute(value)` where it is set, keeping the old value for the down. */
function keepingPrevious(
  o: TransformPropertyOptions | NormalizeBooleanOptions,
  kind: 'transform-property' | 'normalize-boolean',
  title: string,
  compute: (value: string) => string,
  skip: string,
  params: Record<string, unknown>,
  validate?: (t: ReturnType<typeof targetsOf>[number], p: string) => string,
): RefactorPlan {
  const p = name(o.property, '--property');
  const prev = name(`${PREV_PREFIX}${o.property}`, 'kept property');
  const b = batchSizeOf(o.batchSize);
  const targets = targetsOf(o, kind, false);
  const where = targets.map((t) => t.what).join(' and ');
  return {
    kind,
    title: `${title} on ${where}`,
    checks: targets.map((t) => ({
      query: `${matchWhere(t, `${t.v}.${prev} IS NOT NULL`)} WITH count(${t.v}) AS c`,
      problem:
        `${t.what} already hold ${PREV_PREFIX}${o.property} (an earlier refactoring not yet reversed), which the up would overwrite`,
    })),
    up: targets.map((t) => {
      const conditions = [`${t.v}.${p} IS NOT NULL`, ...(skip ? [skip.replace('{p}', `${t.v}.${p}`)] : [])];
      const body = `WITH ${t.v}, ${t.v}.${p} AS value SET ${t.v}.${prev} = value, ${t.v}.${p} = ${compute('value')}`;
      return batched(matchWhere(t, ...conditions), t.v, body, b);
    }),
    down: targets.map((t) =>
      batched(matchWhere(t, `${t.v}.${prev} IS NOT NULL`), t.v, `SET ${t.v}.${p} = ${t.v}.${prev} REMOVE ${t.v}.${prev}`, b)),
    validate: targets.map((t) =>
      validate?.(t, p) ??
        `${matchWhere(t, `${t.v}.${p} IS NOT NULL`, `${t.v}.${prev} IS NULL`)} RETURN count(${t.v}) = 0 AS valid`),
    limits:
      `The up keeps each old value in ${PREV_PREFIX}${o.property} until the down puts it back and removes it: exact, also ` +
      `for values the up turned into null. Entities that got ${o.property} after the up keep it; ` +
      'edits after the up are overwritten.',
    params,
  };
}
