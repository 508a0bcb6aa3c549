import os from 'node:os';
import { NeomigError } from '../errors.js';
import type { LockHolder } from '../core/vocabulary.js';
import { type Neo4jClient, type Query, type Row, label, rowsOf } from './client.js';
import { errorMessage } from './errors.js';

export interface LeaseOptions {
  mode: 'wait' | 'fail';
  timeoutSeconds: number;
  ttlSeconds: number;
  heartbeatSeconds: number;
}

export interface AcquireResult {
  tookOverFrom?: LockHolder;
  /** rows of each query sent along with the winning attempt, in order */
  alongRows: Row[][];
}

/**
 * A lease lock: one node per database, unique by name, holding owner, host, pid and a heartbeat the
 * holder renews. Server time decides staleness, so clocks of competing hosts do not matter.
 */
export class LeaseLock {
  private timer: NodeJS.Timeout | undefined;
  private lostReason: string | undefined;
  readonly owner: string;
  private readonly l: string;

  constructor(
    private readonly client: Neo4jClient,
    lockLabel: string,
    ownerName: string,
    runId: string,
    private readonly options: LeaseOptions,
    private readonly onWarning: (message: string) => void = () => undefined,
  ) {
    this.l = label(lockLabel);
    this.owner = `${ownerName}#${runId}`;
  }

  private get name(): string {
    return this.client.databaseName;
  }

  /**
   * Takes the lock, waiting or failing as configured; takes over a lease whose heartbeat expired.
   * `along` (the history read, ...) is pipelined in the same transaction as each attempt, so a run
   * learns the lock and the history in one round trip; its rows count only from the attempt that won.
   */
  async acquire(onWaiting?: (holder: LockHolder) => void, along: Query[] = []): Promise<AcquireResult> {
    const deadline = Date.now() + this.options.timeoutSeconds * 1000;
    let told = false;
    for (;;) {
      const [attempt, ...alongRows] = await this.tryAcquire(along);
      const row = attempt?.[0];
      if (row!['acquired'] === true) {
        const previous = row!['tookOver'] === true ? toHolder(row!['before'] as Row) : undefined;
        if (previous) {
          this.onWarning(
            `took over a stale lock held by ${previous.owner} (host ${previous.host}, pid ${previous.pid}); its last heartbeat was at ${previous.heartbeatAt}`,
          );
        }
        this.startHeartbeat();
        return { tookOverFrom: previous, alongRows };
      }
      const holder = toHolder(row!['before'] as Row);
      if (this.options.mode === 'fail' || Date.now() >= deadline) {
        throw new NeomigError(
          'LOCK',
          `the migration lock on database "${this.name}" is held by ${holder.owner} (host ${holder.host}, pid ${holder.pid}, since ${holder.acquiredAt})`,
          {
            hint:
              this.options.mode === 'fail'
                ? 'Another deploy is migrating. Retry later, or use lock mode "wait" with --lock-timeout.'
                : `Waited ${this.options.timeoutSeconds}s. If that run died, its lease expires ${this.options.ttlSeconds}s after its last heartbeat (${holder.heartbeatAt}); \`neomig repair\` releases it at once.`,
            holder,
          },
        );
      }
      if (!told) {
        onWaiting?.(holder);
        told = true;
      }
      await sleep(Math.min(1000, Math.max(50, deadline - Date.now())));
    }
  }

  private async tryAcquire(along: Query[]): Promise<Row[][]> {
    // SET l._lock first so the node is write-locked before its owner and heartbeat are read:
    // two runs that both see an expired lease cannot both take it over.
    const attempt: Query = {
      cypher: `MERGE (l:${this.l} {name: $name})
       ON CREATE SET l.owner = $owner, l.host = $host, l.pid = $pid, l.acquiredAt = datetime(),
                     l.heartbeatAt = datetime(), l.ttlSeconds = $ttl
       SET l._lock = true
       WITH l, l {.owner, .host, .pid, acquiredAt: toString(l.acquiredAt), heartbeatAt: toString(l.heartbeatAt)} AS before,
            l.owner = $owner AS mine,
            l.heartbeatAt + duration({seconds: coalesce(l.ttlSeconds, $ttl)}) < datetime() AS stale
       FOREACH (_ IN CASE WHEN stale AND NOT mine THEN [1] ELSE [] END |
         SET l.owner = $owner, l.host = $host, l.pid = $pid, l.acquiredAt = datetime(),
             l.heartbeatAt = datetime(), l.ttlSeconds = $ttl)
       REMOVE l._lock
       RETURN mine OR stale AS acquired, stale AND NOT mine AS tookOver, before`,
      params: { name: this.name, owner: this.owner, host: os.hostname(), pid: process.pid, ttl: this.options.ttlSeconds },
    };
    return this.client.together([attempt, ...along]);
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => {
      this.client
        .rows(`MATCH (l:${this.l} {name: $name}) WHERE l.owner = $owner SET l.heartbeatAt = datetime() RETURN count(l) AS n`, {
          name: this.name,
          owner: this.owner,
        })
        .then((rows) => {
          if (rows[0]?.['n'] === 0) this.lostReason = 'another run took the lock over (our heartbeat was late)';
        })
        .catch((e: unknown) => this.onWarning(`lock heartbeat failed: ${errorMessage(e)}`));
    }, this.options.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  /** Throws if the lease was lost; called before each step so a run never goes on without it. */
  assertHeld(): void {
    if (this.lostReason) {
      throw new NeomigError('LOCK', `lost the migration lock: ${this.lostReason}`, {
        hint: 'Stopped before the next step. Raise lock.ttlSeconds if steps are slow to start; run `neomig status`.',
      });
    }
  }

  /** Releases the lease; a failure is reported as a warning, never thrown. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.client.autoCommit(`MATCH (l:${this.l} {name: $name}) WHERE l.owner = $owner DELETE l`, { name: this.name, owner: this.owner });
    } catch (e) {
      this.onWarning(`could not release the migration lock: ${errorMessage(e)}; it expires after ${this.options.ttlSeconds}s`);
    }
  }
}

/** Who holds the lock on a database now, if anyone (for status and repair). */
export async function readLock(client: Neo4jClient, lockLabel: string): Promise<LockState> {
  const { cypher, params } = lockQuery(client, lockLabel);
  return lockStateOf(rowsOf(await client.autoCommit(cypher, params, 'read')));
}

/** The lock's holder and the mark of a restore that did not finish, in one round trip (for status). */
export async function readLockAndRestore(client: Neo4jClient, lockLabel: string): Promise<{ lock: LockState; restoring: RestoreMark | null }> {
  const [lock, restoring] = await client.together([lockQuery(client, lockLabel), restoringQuery(client, lockLabel)], 'read');
  return { lock: lockStateOf(lock ?? []), restoring: restoreMarkOf(restoring) };
}

type LockState = (LockHolder & { stale: boolean }) | null;

function lockQuery(client: Neo4jClient, lockLabel: string): Query {
  return {
    cypher: `MATCH (l:${label(lockLabel)} {name: $name})
     RETURN l {.owner, .host, .pid, acquiredAt: toString(l.acquiredAt), heartbeatAt: toString(l.heartbeatAt)} AS before,
            l.heartbeatAt + duration({seconds: coalesce(l.ttlSeconds, 60)}) < datetime() AS stale`,
    params: { name: client.databaseName },
  };
}

function lockStateOf(rows: Row[]): LockState {
  if (!rows[0]) return null;
  return { ...toHolder(rows[0]['before'] as Row), stale: rows[0]['stale'] === true };
}

/**
 * A restore under way: a node of the lock's label (so the restore's own wipe keeps it and snapshots
 * leave it out), named after the database, from before the database is emptied until its data is
 * loaded. One left behind means a restore died midway and the database holds part of a snapshot.
 */
export interface RestoreMark {
  file: string;
  startedAt: string;
}

const restoreName = (client: Neo4jClient) => `${client.databaseName}#restore`;

export async function markRestoring(client: Neo4jClient, lockLabel: string, file: string): Promise<void> {
  await client.query(`MERGE (r:${label(lockLabel)} {name: $name}) SET r.file = $file, r.startedAt = datetime()`, { name: restoreName(client), file });
}

export async function clearRestoring(client: Neo4jClient, lockLabel: string): Promise<void> {
  await client.query(`MATCH (r:${label(lockLabel)} {name: $name}) DELETE r`, { name: restoreName(client) });
}

/** The read of the mark, to send along with other queries (the lock's attempt: see withLock; status). */
export function restoringQuery(client: Neo4jClient, lockLabel: string): Query {
  return {
    cypher: `MATCH (r:${label(lockLabel)} {name: $name}) RETURN r.file AS file, toString(r.startedAt) AS startedAt`,
    params: { name: restoreName(client) },
  };
}

export function restoreMarkOf(rows: Row[] | undefined): RestoreMark | null {
  const row = rows?.[0];
  return row ? { file: String(row['file']), startedAt: String(row['startedAt']) } : null;
}

export async function forceRelease(client: Neo4jClient, lockLabel: string): Promise<void> {
  await client.query(`MATCH (l:${label(lockLabel)} {name: $name}) DELETE l`, { name: client.databaseName });
}

function toHolder(row: Row): LockHolder {
  return {
    owner: String(row['owner'] ?? 'unknown'),
    host: String(row['host'] ?? 'unknown'),
    pid: Number(row['pid'] ?? 0),
    acquiredAt: String(row['acquiredAt'] ?? ''),
    heartbeatAt: String(row['heartbeatAt'] ?? ''),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
