/**
 * ctx.refactor: the refactorings of `neomig create --refactor` for TypeScript migrations. Each method
 * checks the live graph first (refusing, before anything changes, when the down could not be exact),
 * runs the up's statements through ctx.run (batched ones auto-committed), then its validate queries;
 * `.down(sameOptions)` runs the matching down, so a migration's down is one line.
 */
import { planRefactor, refusal } from '../core/refactor/index.js';
import type { RefactorKind, RefactorOptionsByKind, RefactorPlan } from '../core/refactor/types.js';
import { NeomigError } from '../errors.js';
import { cypherInt } from '../neo4j/client.js';
import type { Events } from './events.js';

type Run = (cypher: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>[]>;

/** What one ctx.refactor call ran. */
export interface RefactorResult {
  kind: RefactorKind;
  direction: 'up' | 'down';
  title: string;
  /** the statements it ran, in order (the checks and validate queries not included) */
  statements: string[];
  params: Record<string, unknown>;
}

/** One refactoring: call it for the up, `.down()` with the same options for the down, `.plan()` to see the statements. */
export interface RefactorMethod<O> {
  (options: O): Promise<RefactorResult>;
  down(options: O): Promise<RefactorResult>;
  /** the statements up and down would run, without running anything */
  plan(options: O): RefactorPlan;
}

export interface RefactorApi {
  renameLabel: RefactorMethod<RefactorOptionsByKind['rename-label']>;
  renameType: RefactorMethod<RefactorOptionsByKind['rename-type']>;
  renameProperty: RefactorMethod<RefactorOptionsByKind['rename-property']>;
  retypeRelationship: RefactorMethod<RefactorOptionsByKind['retype-relationship']>;
  addProperty: RefactorMethod<RefactorOptionsByKind['add-property']>;
  transformProperty: RefactorMethod<RefactorOptionsByKind['transform-property']>;
  normalizeBoolean: RefactorMethod<RefactorOptionsByKind['normalize-boolean']>;
  /** irreversible: mark the migration `irreversible: true`; its .down() refuses */
  mergeNodes: RefactorMethod<RefactorOptionsByKind['merge-nodes']>;
}

export function createRefactorApi(run: Run, events: Events, version: string): RefactorApi {
  const info = (message: string) => events.emit({ type: 'log', level: 'info', message, version });
  const method = <K extends RefactorKind>(kind: K): RefactorMethod<RefactorOptionsByKind[K]> => {
    const plan = (options: RefactorOptionsByKind[K]) => planRefactor(kind, options);
    const up = async (options: RefactorOptionsByKind[K]): Promise<RefactorResult> => {
      const p = plan(options);
      const params = integers(p.params);
      if (!options.allowInexact) {
        for (const check of p.checks) {
          const count = Number((await run(`${check.query} RETURN c`, params))[0]?.['c'] ?? 0);
          if (count > 0) {
            throw new NeomigError('MIGRATION_FAILED', `ctx.refactor: ${refusal(p, check, count)}`, {
              version,
              hint: 'Nothing was changed. Clean up the data first, or pass allowInexact: true to accept a down that is ' +
                'not exact.',
            });
          }
        }
      }
      info(`refactor: ${p.title}`);
      for (const s of p.up) await run(s, params);
      for (const q of p.validate) {
        const row = (await run(q, params))[0];
        if (row?.['valid'] !== true) {
          throw new NeomigError('MIGRATION_FAILED', `ctx.refactor: ${p.title}: validation failed: ${q}`, {
            version,
            hint: 'Something changed the data while the refactoring ran, or it met data it cannot handle; ' +
              'the down undoes what it did.',
          });
        }
      }
      return { kind, direction: 'up', title: p.title, statements: p.up, params: p.params };
    };
    const down = async (options: RefactorOptionsByKind[K]): Promise<RefactorResult> => {
      const p = plan(options);
      const params = integers(p.params);
      if (p.down === null) {
        throw new NeomigError('MIGRATION_FAILED', `ctx.refactor: ${p.title} is irreversible: it has no down`, {
          version,
          hint: 'Mark the migration irreversible: true and give it no down().',
        });
      }
      info(`refactor (down): ${p.title}`);
      for (const s of p.down) await run(s, params);
      return { kind, direction: 'down', title: p.title, statements: p.down, params: p.params };
    };
    return Object.assign(up, { down, plan });
  };
  return {
    renameLabel: method('rename-label'),
    renameType: method('rename-type'),
    renameProperty: method('rename-property'),
    retypeRelationship: method('retype-relationship'),
    addProperty: method('add-property'),
    transformProperty: method('transform-property'),
    normalizeBoolean: method('normalize-boolean'),
    mergeNodes: method('merge-nodes'),
  };
}

/** Whole numbers as Cypher INTEGERs, as a Cypher file's literals are (the driver sends JS numbers as floats). */
function integers(params: Record<string, unknown>): Record<string, unknown> {
  const convert = (v: unknown): unknown =>
    typeof v === 'number' && Number.isInteger(v) ? cypherInt(v) : Array.isArray(v) ? v.map(convert) : v;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, convert(v)]));
}
