import type { ValidationIssue } from './types.js';
import { compareVersions } from './version.js';

export interface DependencyNode {
  version: string;
  dependsOn: string[];
  file?: string;
}

/**
 * Checks `dependsOn` across every known migration: targets that exist nowhere, targets that sort after
 * their dependent (versions run in order, so such a dependency could never be met), and cycles.
 * `known` are versions that exist only in the history (applied, file since deleted).
 */
export function checkDependencies(nodes: DependencyNode[], known: Iterable<string> = []): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const byVersion = new Map(nodes.map((n) => [n.version, n]));
  const exists = new Set<string>([...byVersion.keys(), ...known]);

  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!exists.has(dep)) {
        issues.push({
          kind: 'dependency_missing',
          version: node.version,
          file: node.file,
          message: `${node.version} depends on ${dep}, which has no migration file and is not in the history`,
        });
      } else if (dep === node.version) {
        issues.push({ kind: 'dependency_cycle', version: node.version, file: node.file, message: `${node.version} depends on itself` });
      } else if (compareVersions(dep, node.version) > 0) {
        issues.push({
          kind: 'dependency_order',
          version: node.version,
          file: node.file,
          message: `${node.version} depends on ${dep}, which sorts after it and so would run later; give the dependent a higher version`,
        });
      }
    }
  }

  for (const cycle of findCycles(byVersion)) {
    const first = byVersion.get(cycle[0]!);
    issues.push({
      kind: 'dependency_cycle',
      version: cycle[0]!,
      file: first?.file,
      message: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
    });
  }
  return issues;
}

/** Each elementary cycle reported once, as found by a depth-first walk. */
function findCycles(byVersion: Map<string, DependencyNode>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];

  const visit = (version: string): void => {
    state.set(version, 'visiting');
    stack.push(version);
    for (const dep of byVersion.get(version)?.dependsOn ?? []) {
      if (dep === version || !byVersion.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') cycles.push(stack.slice(stack.indexOf(dep)));
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(version, 'done');
  };

  for (const version of [...byVersion.keys()].sort(compareVersions)) {
    if (!state.has(version)) visit(version);
  }
  return cycles;
}
