/**
 * Merge nodes of a label that share a key value into one (the first by element id): its own
 * properties win, the others' fill the gaps, it gets their labels and their relationships (types
 * and properties kept; a relationship between two merged nodes becomes a loop). Irreversible.
 */
import { batchSizeOf, batched, name } from './cypher.js';
import type { MergeNodesOptions, RefactorPlan } from './types.js';

export function mergeNodes(o: MergeNodesOptions): RefactorPlan {
  const label = name(o.label, '--label');
  const key = name(o.key, '--key');
  const b = batchSizeOf(o.batchSize);
  const groups = `MATCH (n:${label}) WHERE n.${key} IS NOT NULL`;
  const body = [
    'CALL (keep, other) { MATCH (other)-[r]->(t) WHERE t <> other CREATE (keep)-[c:$(type(r))]->(t) SET c = properties(r) }',
    'CALL (keep, other) { MATCH (s)-[r]->(other) WHERE s <> other CREATE (s)-[c:$(type(r))]->(keep) SET c = properties(r) }',
    'CALL (keep, other) { MATCH (other)-[r]->(other) CREATE (keep)-[c:$(type(r))]->(keep) SET c = properties(r) }',
    'WITH keep, other, properties(keep) AS own SET keep:$(labels(other)) SET keep += properties(other) SET keep += own',
    'DETACH DELETE other',
  ].join('\n  ');
  const match =
    `${groups}\nWITH n ORDER BY elementId(n)\nWITH n.${key} AS k, collect(n) AS nodes WHERE size(nodes) > 1\n` +
    'UNWIND tail(nodes) AS other\nWITH head(nodes) AS keep, other';
  return {
    kind: 'merge-nodes',
    title: `merge nodes :${o.label} with the same ${o.key}`,
    checks: [],
    up: [batched(match, 'keep, other', `\n  ${body}\n`, b)],
    down: null,
    validate: [`${groups} WITH n.${key} AS k, count(n) AS c WHERE c > 1 RETURN count(k) = 0 AS valid`],
    limits: 'The merged nodes are deleted and their relationships re-created on the kept node.',
    params: {},
  };
}
