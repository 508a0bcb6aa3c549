/** Rename a label, or a property of nodes and/or relationships: the down renames back. */
import { batchSizeOf, batched, matchWhere, name, targetsOf } from './cypher.js';
import type { RefactorPlan, RenameOptions, RenamePropertyOptions } from './types.js';

export function renameLabel(o: RenameOptions): RefactorPlan {
  const from = name(o.from, '--from');
  const to = name(o.to, '--to');
  const b = batchSizeOf(o.batchSize);
  const move = (a: string, z: string) => batched(`MATCH (n:${a})`, 'n', `SET n:${z} REMOVE n:${a}`, b);
  return {
    kind: 'rename-label',
    title: `rename label :${o.from} to :${o.to}`,
    checks: [{
      query: `MATCH (n:${to}) WITH count(n) AS c`,
      problem: `nodes already have the label :${o.to}, and the down would rename them to :${o.from} too`,
    }],
    up: [move(from, to)],
    down: [move(to, from)],
    validate: [`MATCH (n:${from}) RETURN count(n) = 0 AS valid`],
    limits:
      `Exact when no node had :${o.to} before the up (checked). The down also renames nodes that got :${o.to} after the up.`,
    params: {},
  };
}

export function renameProperty(o: RenamePropertyOptions): RefactorPlan {
  const from = name(o.from, '--from');
  const to = name(o.to, '--to');
  const b = batchSizeOf(o.batchSize);
  const targets = targetsOf(o, 'rename-property', true);
  const move = (a: string, z: string) =>
    targets.map((t) =>
      batched(matchWhere(t, `${t.v}.${a} IS NOT NULL`), t.v, `SET ${t.v}.${z} = ${t.v}.${a} REMOVE ${t.v}.${a}`, b));
  const where = targets.map((t) => t.what).join(' and ');
  return {
    kind: 'rename-property',
    title: `rename property ${o.from} to ${o.to} on ${where}`,
    checks: targets.map((t) => ({
      query: `${matchWhere(t, `${t.v}.${to} IS NOT NULL`)} WITH count(${t.v}) AS c`,
      problem: `${t.what} already have a property ${o.to}, and the down would rename it to ${o.from} too`,
    })),
    up: move(from, to),
    down: move(to, from),
    validate: targets.map((t) => `${matchWhere(t, `${t.v}.${from} IS NOT NULL`)} RETURN count(${t.v}) = 0 AS valid`),
    limits:
      `Exact when none of the ${where} had ${o.to} before the up (checked). ` +
      `The down also renames values of ${o.to} written after the up.`,
    params: {},
  };
}
