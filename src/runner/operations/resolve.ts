import { type ResolveDecision, type ResolvePlan, planDelete, planResolve } from '../../core/resolve.js';
import { parseVersion } from '../../core/version.js';
import { NeomigError } from '../../errors.js';
import type { MigratorSession } from '../session.js';
import { historyEntry } from '../steps.js';

export interface ResolveOptions {
  /** why, for the audit event */
  reason?: string;
  dryRun?: boolean;
  lockTimeoutSeconds?: number;
}

export interface ResolveResult extends ResolvePlan {
  dryRun: boolean;
  /** who the audit event names */
  by: string;
}

function versionOf(raw: string): string {
  const v = parseVersion(raw);
  if (!v) throw new NeomigError('USAGE', `"${raw}" is not a version`, { hint: 'Give a version such as 1.2.0.' });
  return v;
}

/**
 * Records a decision without running anything: `applied` (the change was made by hand: the entry gets
 * the local file's checksum and down, as if up had run it) or `rolled_back` (a failure was cleaned up
 * by hand, or an applied change undone: `up` runs it again). Audited with who and why.
 */
export async function resolve(session: MigratorSession, rawVersion: string, decision: ResolveDecision, options: ResolveOptions = {}): Promise<ResolveResult> {
  const version = versionOf(rawVersion);
  const local = await session.load();
  const by = session.config.installedBy;
  if (options.dryRun) {
    const states = await session.statesOf(session.historyOf(await session.connect()), local);
    return { ...planResolve(states, version, decision, options.reason), dryRun: true, by };
  }
  return session.withLock(options.lockTimeoutSeconds, async ({ history }) => {
    const states = await session.statesOf(history, local);
    const plan = planResolve(states, version, decision, options.reason);
    if (plan.changes) {
      const state = states.find((s) => s.version === version)!;
      const clear = { partialChanges: null, errorCode: null, errorMessage: null };
      const props = decision === 'applied'
        ? { ...historyEntry(state.local!), ...clear, status: 'applied', executionTimeMs: 0, counters: '{}' }
        : { ...clear, status: 'rolled_back' };
      // marked applied: installed by who resolved it, now; rolled back keeps who installed it
      await history.resolve(version, props, plan.detail, decision === 'applied');
    }
    return { ...plan, dryRun: false, by };
  });
}

/** Removes a version's entry that should never have been recorded; its audit events stay (detached). */
export async function deleteEntry(session: MigratorSession, rawVersion: string, options: ResolveOptions = {}): Promise<ResolveResult> {
  const version = versionOf(rawVersion);
  const local = await session.load();
  const by = session.config.installedBy;
  if (options.dryRun) {
    const states = await session.statesOf(session.historyOf(await session.connect()), local);
    return { ...planDelete(states, version, options.reason), dryRun: true, by };
  }
  return session.withLock(options.lockTimeoutSeconds, async ({ history }) => {
    const plan = planDelete(await session.statesOf(history, local), version, options.reason);
    await history.deleteEntry(version, plan.detail);
    return { ...plan, dryRun: false, by };
  });
}
