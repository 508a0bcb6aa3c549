/** A SchemaItem for unit tests: a RANGE index on :Book(title) unless told otherwise. */
import type { SchemaItem } from '../../src/core/schema.js';

export function item(over: Partial<SchemaItem>): SchemaItem {
  return {
    kind: 'index',
    name: 'x',
    type: 'RANGE',
    entityType: 'NODE',
    labelsOrTypes: ['Book'],
    properties: ['title'],
    propertyType: null,
    options: null,
    createStatement: null,
    ...over,
  };
}
