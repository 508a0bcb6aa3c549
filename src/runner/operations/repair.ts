import type { MigrationState } from '../../core/types.js';
import { readLock } from '../../neo4j/lock.js';
import type { MigratorSession } from '../session.js';
import type { RepairAction, RepairResult } from '../types.js';

/** What repair would do for these states: realign changed checksums, resolve failed entries. */
function repairActions(states: MigrationState[]): RepairAction[] {
  const actions: RepairAction[] = [];
  for (const s of states) {
    if (s.status === 'applied' && s.checksumChanged && s.local) {
      actions.push({ kind: 'checksum_realigned', version: s.version, detail: `${s.version}: recorded checksum ${s.applied!.checksum?.slice(0, 8)} -> ${s.local.checksum.slice(0, 8)}, recorded down updated from ${s.local.down?.file ?? 'no down'}` });
    }
    if (s.status === 'failed') {
      actions.push({ kind: 'failed_resolved', version: s.version, detail: `${s.version}: failed entry marked rolled back, so \`up\` runs it again` });
    }
  }
  return actions;
}

/** Realigns checksums with the files, resolves failed entries, releases a stale lock. */
export async function repair(session: MigratorSession, options: { dryRun?: boolean } = {}): Promise<RepairResult> {
  const local = await session.load();
  const c = await session.connect();
  const held = await readLock(c, session.config.labels.lock);
  if (options.dryRun) {
    const actions = repairActions(await session.statesOf(session.historyOf(c), local));
    if (held?.stale) actions.push({ kind: 'lock_released', detail: `stale lock of ${held.owner} (last heartbeat ${held.heartbeatAt})` });
    return { dryRun: true, actions };
  }
  return session.withLock(0, async ({ history }) => {
    const states = await session.statesOf(history, local);
    const actions = repairActions(states);
    for (const a of actions) {
      const s = states.find((x) => x.version === a.version)!;
      if (a.kind === 'checksum_realigned') {
        const m = s.local!;
        await history.repair(s.version, {
          checksum: m.checksum,
          description: m.description,
          script: m.up.file,
          downScript: m.down ? (m.down.kind === 'cypher' ? m.down.text : m.down.source) : null,
          downScriptName: m.down?.file ?? null,
          downChecksum: m.downChecksum ?? null,
        }, a.detail);
      } else if (a.kind === 'failed_resolved') {
        await history.repair(s.version, { status: 'rolled_back' }, a.detail);
      }
    }
    if (held?.stale) actions.push({ kind: 'lock_released', detail: `stale lock of ${held.owner} (last heartbeat ${held.heartbeatAt}) taken over and released` });
    return { dryRun: false, actions };
  });
}
