/**
 * `neomig resolve` and `neomig delete`: decisions about the history made by hand, planned here (pure)
 * and written by runner/operations/resolve.ts.
 */
import { NeomigError } from '../errors.js';
import type { AppliedStatus, MigrationState } from './types.js';

export type ResolveDecision = 'applied' | 'rolled_back';

export interface ResolvePlan {
  version: string;
  decision: ResolveDecision | 'deleted';
  /** the entry's status before (null: nothing recorded) */
  previous: AppliedStatus | null;
  /** false when the history already says so: nothing is written */
  changes: boolean;
  /** what will be (or was) recorded, in words; also the audit event's detail */
  detail: string;
}

function stateOf(states: MigrationState[], version: string): MigrationState {
  const state = states.find((s) => s.version === version);
  if (!state) {
    throw new NeomigError('USAGE', `no migration has version ${version}, locally or in the history`, {
      version,
      hint: `Known versions: ${states.map((s) => s.version).join(', ') || 'none'}.`,
    });
  }
  return state;
}

/** What `resolve <version> --applied|--rolled-back` records. */
export function planResolve(states: MigrationState[], version: string, decision: ResolveDecision, reason?: string): ResolvePlan {
  const state = stateOf(states, version);
  const entry = state.applied;
  const previous = entry?.status ?? null;
  const why = reason ? `: ${reason}` : '';
  if (decision === 'applied') {
    if (!state.local) {
      throw new NeomigError('USAGE', `${version} has no local file: resolve --applied records the file's checksum and down`, {
        version,
        hint: 'Restore the migration file first (the history keeps what it needs from it), then run resolve again.',
      });
    }
    const changes = !(previous === 'applied' && entry?.checksum === state.local.checksum);
    return { version, decision, previous, changes, detail: `marked applied by hand (was ${previous ?? 'not recorded'})${why}` };
  }
  if (!entry) {
    throw new NeomigError('USAGE', `nothing is recorded for ${version}: there is nothing to mark rolled back`, {
      version,
      hint: 'A migration that never ran is pending already; `neomig up` runs it.',
    });
  }
  if (previous === 'baseline') {
    throw new NeomigError('USAGE', `${version} is the baseline: it cannot be marked rolled back`, {
      version,
      hint: 'To remove a baseline recorded by mistake, use `neomig delete`.',
    });
  }
  return { version, decision, previous, changes: previous !== 'rolled_back', detail: `marked rolled back by hand (was ${previous})${why}` };
}

/** What `delete <version>` removes. */
export function planDelete(states: MigrationState[], version: string, reason?: string): ResolvePlan {
  const entry = stateOf(states, version).applied;
  if (!entry) {
    throw new NeomigError('USAGE', `nothing is recorded for ${version}: there is no entry to delete`, { version });
  }
  const checksum = entry.checksum ? `, checksum ${entry.checksum.slice(0, 8)}` : '';
  return {
    version,
    decision: 'deleted',
    previous: entry.status,
    changes: true,
    detail: `entry deleted by hand (was ${entry.status}${checksum}, installed ${entry.installedAt} by ${entry.installedBy})${reason ? `: ${reason}` : ''}`,
  };
}
