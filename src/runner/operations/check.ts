/**
 * `neomig check`: reads the pending migrations and the live database and changes nothing. Reports the
 * data that would violate each constraint the pending migrations create, the labels and types each
 * migration touches with their counts now, and data statements that are not batched though they visit
 * more than `check.unbatchedRowLimit` entities. With `fix`, also the migration pairs that would resolve
 * the violations (the CLI writes them; nothing here touches the disk or the graph).
 */
import { type ConstraintCheck, type MigrationTouches, judgeTouches, touchesByMigration } from '../../core/check.js';
import { type FixPair, fixPair, fixVersion } from '../../core/fix.js';
import { planUp } from '../../core/plan.js';
import { reconcile } from '../../core/reconcile.js';
import type { ServerInfo } from '../../core/vocabulary.js';
import { countEntities } from '../../neo4j/data-check.js';
import { checkConstraints } from '../constraint-check.js';
import type { MigratorSession } from '../session.js';

export interface CheckOptions {
  /** also prepare the fix migration pairs for the violated constraints */
  fix?: boolean;
}

export interface CheckResult {
  server: ServerInfo;
  /** the pending migrations, in the order `up` would apply them */
  pending: { version: string; file: string; type: 'cypher' | 'typescript' }[];
  constraints: ConstraintCheck[];
  migrations: MigrationTouches[];
  unbatchedRowLimit: number;
  /** false when creating a constraint would fail on the data as it is */
  ok: boolean;
  /** with `fix`: one pair per violated constraint */
  fixes: FixPair[];
}

export async function check(session: MigratorSession, options: CheckOptions = {}): Promise<CheckResult> {
  const { config } = session;
  const local = await session.load();
  const c = await session.connect();
  const history = await session.historyOf(c).readAll();
  const plan = planUp(reconcile(local, history), { outOfOrder: config.outOfOrder });
  const pending = plan.steps.flatMap((s) => (s.migration ? [s.migration] : []));
  const constraints = await checkConstraints(c, pending, { fixedToo: true });
  const planned = touchesByMigration(pending);
  const counts = await countEntities(c, planned.flatMap((p) => p.statements.flatMap((s) => s.touches)));
  const limit = config.check.unbatchedRowLimit;
  const fixes: FixPair[] = [];
  if (options.fix) {
    const known = [...local.map((m) => m.version), ...history.map((h) => h.version)];
    for (const failing of constraints.filter((x) => x.fails)) {
      const version = fixVersion(failing.version, known);
      known.push(version);
      fixes.push(fixPair(failing, version));
    }
  }
  return {
    server: c.server,
    pending: pending.map((m) => ({ version: m.version, file: m.up.file, type: m.type })),
    constraints,
    migrations: judgeTouches(planned, counts, limit),
    unbatchedRowLimit: limit,
    ok: !constraints.some((x) => x.fails),
    fixes,
  };
}
