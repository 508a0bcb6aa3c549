import { buildStatements, groupStatements } from '../core/grouping.js';
import { type MigrationState, type Plan, leftNothing } from '../core/types.js';
import { NeomigError } from '../errors.js';
import type { FillText } from './placeholders.js';
import type { StepFailed } from './steps.js';
import type { DryRunStep, FailureReport, RunResult } from './types.js';

/** A migration failed during up or down; `result` says what was applied, reversed and left. */
export class MigrationRunError extends NeomigError {
  constructor(
    cause: NeomigError,
    message: string,
    readonly result: RunResult,
  ) {
    super('MIGRATION_FAILED', message, { ...cause.details }, { cause });
    this.name = 'MigrationRunError';
  }
}

/** A run's result before any step ran. */
export function emptyResult(command: 'up' | 'down', dryRun: boolean, plan: Plan): RunResult {
  return { command, dryRun, from: plan.currentVersion, to: dryRun ? plan.targetVersion : plan.currentVersion, applied: [], rolledBack: [], pending: [] };
}

/** Versions that a later `up` would still apply. */
export function pendingOf(states: MigrationState[], appliedNow: string[]): string[] {
  const now = new Set(appliedNow);
  return states
    .filter((s) => s.local && (s.status === 'pending' || s.status === 'outdated' || (s.status === 'failed' && leftNothing(s.applied?.partialChanges))))
    .filter((s) => !now.has(s.version))
    .map((s) => s.version);
}

/** The plan as a dry run shows it: every step with its statements (placeholders filled: `fill` for
 *  recorded downs, discovery did the ups) and their transaction grouping. */
export function describePlan(plan: Plan, fill?: FillText): DryRunStep[] {
  return plan.steps.map((step) => {
    if (step.direction === 'up') {
      const m = step.migration!;
      return {
        version: step.version,
        description: step.description,
        direction: 'up',
        file: m.up.file,
        type: m.type,
        groups: m.up.kind === 'cypher' ? groupStatements(m.up.statements, m.meta.transaction, m.up.file) : undefined,
        validate: m.meta.validate,
      };
    }
    const a = step.applied!;
    const file = a.downScriptName ?? a.script;
    return {
      version: step.version,
      description: step.description,
      direction: 'down',
      file,
      type: a.type === 'typescript' ? 'typescript' : 'cypher',
      groups:
        a.type === 'typescript'
          ? undefined
          : groupStatements(
              buildStatements(fill ? fill(a.downScript ?? '', file, step.version) : (a.downScript ?? ''), file, {
                schemaProcedures: step.migration?.meta.schemaProcedures,
              }),
              a.transaction,
              file,
            ),
    };
  });
}

export function failureMessage(e: StepFailed, result: RunResult, atomic: boolean): string {
  const f = e.failure;
  const parts = [`${f.version} failed: ${e.error.message}`];
  parts.push(partialChangesText(f));
  if (result.rolledBack.length) parts.push(`rolled back ${result.rolledBack.map((r) => r.version).join(', ')} applied earlier in this run${atomic ? ' (atomic)' : ''}`);
  else if (result.applied.length) parts.push(`${result.applied.map((r) => r.version).join(', ')} applied earlier in this run stay applied`);
  return parts.join('; ');
}

/** What became of a failed migration's changes, in words. */
export function partialChangesText(f: { partialChanges: FailureReport['partialChanges']; undoError?: string; undoneBy?: 'snapshot' }): string {
  switch (f.partialChanges) {
    case 'none':
      return 'nothing of it was committed (its transaction was rolled back)';
    case 'undone':
      return f.undoneBy === 'snapshot' ? 'its partial changes were undone by restoring the snapshot taken before the run' : 'its partial changes were undone by its down';
    case 'unknown':
      return 'it stopped mid-way; some of its changes may have committed';
    case 'remain':
      return `its partial changes REMAIN (${f.undoError ?? 'not undone'})`;
  }
}
