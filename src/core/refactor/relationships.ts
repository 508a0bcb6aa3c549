/**
 * Rename a relationship type, or retype the relationships between given labels. Neo4j cannot change a
 * relationship's type: each one is re-created with the new type and the same properties, then deleted.
 */
import { NeomigError } from '../../errors.js';
import { batchSizeOf, batched, name } from './cypher.js';
import type { RefactorPlan, RenameOptions, RetypeOptions } from './types.js';

export function renameType(o: RenameOptions): RefactorPlan {
  return retype(o, 'rename-type');
}

export function retypeRelationship(o: RetypeOptions): RefactorPlan {
  if (o.start === undefined && o.end === undefined) {
    throw new NeomigError('USAGE', 'retype-relationship needs --start and/or --end (the labels of the nodes it connects)', {
      hint: 'To retype every relationship of a type, use --refactor rename-type.',
    });
  }
  return retype(o, 'retype-relationship');
}

function retype(o: RetypeOptions, kind: 'rename-type' | 'retype-relationship'): RefactorPlan {
  const from = name(o.from, '--from');
  const to = name(o.to, '--to');
  const a = o.start === undefined ? '' : `:${name(o.start, '--start')}`;
  const z = o.end === undefined ? '' : `:${name(o.end, '--end')}`;
  const b = batchSizeOf(o.batchSize);
  const pattern = (type: string, r = 'r') => `(a${a})-[${r}:${type}]->(b${z})`;
  const move = (x: string, y: string) =>
    batched(`MATCH ${pattern(x)}`, 'a, r, b', `CREATE (a)-[r2:${y}]->(b) SET r2 = properties(r) DELETE r`, b);
  const between = `(${a ? a : ''})-[:${o.to}]->(${z ? z : ''})`;
  const what = kind === 'rename-type' ? `:${o.from} to :${o.to}` : `(${a})-[:${o.from}]->(${z}) to :${o.to}`;
  return {
    kind,
    title: `${kind === 'rename-type' ? 'rename relationship type' : 'retype relationships'} ${what}`,
    checks: [{
      query: `MATCH ${pattern(to)} WITH count(r) AS c`,
      problem: `relationships ${between} exist already, and the down would retype them to :${o.from} too`,
    }],
    up: [move(from, to)],
    down: [move(to, from)],
    validate: [`MATCH ${pattern(from)} RETURN count(r) = 0 AS valid`],
    limits:
      `Exact in types, ends and properties when no ${between} existed before the up (checked); each relationship is ` +
      're-created, so its element id changes. The down also retypes matching relationships created after the up.',
    params: {},
  };
}
