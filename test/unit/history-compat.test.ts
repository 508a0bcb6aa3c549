import { describe, expect, it } from 'vitest';
import { toApplied } from '../../src/neo4j/history.js';

const entry = { version: '1.0.0', description: 'd', type: 'cypher', script: 'V1__d.up.cypher', checksum: 'abc', installedAt: '2026-01-01T00:00:00Z' };

describe('history entries written by earlier versions', () => {
  it('map `reversed` to partialChanges: undone, remain, or unknown for an interrupted run', () => {
    expect(toApplied({ ...entry, status: 'failed', reversed: true, errorMessage: 'boom' }).partialChanges).toBe('undone');
    expect(toApplied({ ...entry, status: 'failed', reversed: false, errorMessage: 'boom' }).partialChanges).toBe('remain');
    expect(toApplied({ ...entry, status: 'failed', reversed: false, errorMessage: 'interrupted: the run x started this up and did not finish' }).partialChanges).toBe('unknown');
  });

  it('drop `reversed` on entries that did not fail', () => {
    expect(toApplied({ ...entry, status: 'rolled_back', reversed: false }).partialChanges).toBeNull();
    expect(toApplied({ ...entry, status: 'applied', reversed: false }).partialChanges).toBeNull();
  });

  it('read partialChanges as written by this version', () => {
    expect(toApplied({ ...entry, status: 'failed', partialChanges: 'none' }).partialChanges).toBe('none');
  });
});
