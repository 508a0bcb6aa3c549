import { NeomigError } from '../errors.js';
import { isResumable } from './checkpoint.js';
import { type MigrationState, type Plan, type PlanStep, type Target, leftNothing, remainText } from './types.js';
import { currentVersion, isInEffect } from './reconcile.js';
import { runsAgain } from './repeatable.js';
import { compareVersions, parseVersion } from './version.js';
import { compareInstants, isoToMillis } from './moment.js';

export interface UpPlanOptions {
  to?: Target;
  /** run pending versions lower than the current one (otherwise they are left for validate to report) */
  outOfOrder?: boolean;
  /** versions whose applied entry may be re-run (dev mode: changed, unreleased migrations) */
  rerun?: ReadonlySet<string>;
}

export interface DownPlanOptions {
  to?: Target;
  steps?: number;
  all?: boolean;
  /** reverse every migration applied after this moment (milliseconds since the epoch; see moment.ts) */
  before?: number;
}

/** Resolves a `--to` value to a concrete version, or null for "nothing". */
function resolveVersion(to: string, states: MigrationState[]): string {
  const version = parseVersion(to);
  if (!version) {
    throw new NeomigError('USAGE', `"${to}" is not a version`, {
      hint: 'Give a version such as 1.2.0 (or 1.2, 1), or one of current, latest, next.',
    });
  }
  if (!states.some((s) => s.version === version)) {
    const known = states.map((s) => s.version).join(', ') || 'none';
    throw new NeomigError('USAGE', `no migration has version ${version}`, {
      version,
      hint: `Known versions: ${known}.`,
    });
  }
  return version;
}

/** Which migrations `up` runs, in order, after the checks that must hold before anything runs. */
export function planUp(states: MigrationState[], options: UpPlanOptions = {}): Plan {
  const current = currentVersion(states);
  const rerun = options.rerun ?? new Set<string>();

  const blocked = states.find((s) => s.status === 'failed' && !leftNothing(s.applied?.partialChanges) && !rerun.has(s.version) && !isResumable(s));
  if (blocked) {
    throw new NeomigError('VALIDATION', `${blocked.version} failed earlier and ${remainText(blocked.applied?.partialChanges)}`, {
      version: blocked.version,
      file: blocked.local?.up.file ?? blocked.applied?.script,
      neo4jCode: blocked.applied?.errorCode ?? undefined,
      hint: `Its error was: ${blocked.applied?.errorMessage ?? 'unknown'}. Undo its partial changes by hand, then run \`neomig repair\` to mark it resolved.`,
    });
  }

  let candidates = states.filter(
    (s) =>
      s.local &&
      !s.repeatable &&
      ((s.status === 'pending' && (!s.outOfOrder || options.outOfOrder)) ||
        // its assumptions are evaluated again on every run, wherever it stands
        s.status === 'skipped' ||
        (s.status === 'failed' && (leftNothing(s.applied?.partialChanges) || rerun.has(s.version) || isResumable(s))) ||
        (s.status === 'applied' && rerun.has(s.version))),
  );

  const to = options.to ?? 'latest';
  if (to === 'current') candidates = [];
  else if (to === 'next') candidates = candidates.slice(0, 1);
  else if (to !== 'latest') {
    const target = resolveVersion(to, states);
    if (current !== null && compareVersions(target, current) < 0) {
      throw new NeomigError('USAGE', `target ${target} is below the current version ${current}`, {
        version: target,
        hint: `To go back, run \`neomig down --to ${target}\`.`,
      });
    }
    candidates = candidates.filter((s) => compareVersions(s.version, target) <= 0);
  }
  // repeatables follow the versioned migrations of every run that goes forward (`--to current` runs nothing)
  if (to !== 'current') {
    const repeatables = states.filter((s) => s.repeatable && runsAgain(s, leftNothing(s.applied?.partialChanges)));
    candidates = to === 'next' ? [...candidates, ...repeatables].slice(0, 1) : [...candidates, ...repeatables];
  }

  const steps: PlanStep[] = candidates.map((s) => ({
    version: s.version,
    direction: 'up',
    description: s.description,
    migration: s.local,
    applied: s.applied,
  }));

  // Every dependency must be in effect already or run earlier in this plan.
  const inEffect = new Set(states.filter((s) => isInEffect(s.status) && !rerun.has(s.version)).map((s) => s.version));
  for (const step of steps) {
    for (const dep of step.migration!.meta.dependsOn) {
      if (!inEffect.has(dep)) {
        throw new NeomigError('VALIDATION', `${step.version} depends on ${dep}, which is not applied and does not run before it in this plan`, {
          version: step.version,
          file: step.migration!.up.file,
          hint: `Apply ${dep} first (e.g. \`neomig up --to ${dep}\`), or fix dependsOn in ${step.migration!.up.file}.`,
        });
      }
    }
    inEffect.add(step.version);
  }

  const last = steps.filter((s) => !s.migration!.repeatable).at(-1)?.version ?? null;
  const targetVersion = last !== null && (current === null || compareVersions(last, current) > 0) ? last : current;
  return { direction: 'up', steps, currentVersion: current, targetVersion };
}

/**
 * Which applied migrations `down` reverses, newest first, after checking each can be reversed.
 * Repeatables are reversed only by `--all`, first (they ran after the versioned ones), in reverse
 * description order; one without a down stays applied.
 */
export function planDown(states: MigrationState[], options: DownPlanOptions = {}): Plan {
  const current = currentVersion(states);
  const applied = states.filter((s) => s.status === 'applied' && !s.repeatable).reverse();
  const baseline = states.filter((s) => s.status === 'baseline').map((s) => s.version).at(-1) ?? null;

  let chosen: MigrationState[];
  if (options.all) {
    const repeatables = states.filter((s) => s.repeatable && (s.status === 'applied' || s.status === 'outdated'));
    chosen = [...repeatables.filter((s) => s.applied!.downScript !== null).reverse(), ...applied];
  } else if (options.before !== undefined) {
    chosen = appliedAfter(applied, options.before);
  } else if (options.to !== undefined) {
    if (options.to === 'next') {
      throw new NeomigError('USAGE', '`down --to next` has no meaning', { hint: 'Use a version, or --steps N.' });
    }
    if (options.to === 'current' || options.to === 'latest') chosen = [];
    else {
      const target = resolveVersion(options.to, states);
      if (baseline !== null && compareVersions(target, baseline) < 0) {
        throw new NeomigError('USAGE', `cannot go below the baseline ${baseline}`, {
          version: target,
          hint: `The database was baselined at ${baseline}; nothing below it was run by neomig.`,
        });
      }
      chosen = applied.filter((s) => compareVersions(s.version, target) > 0);
    }
  } else {
    const steps = options.steps ?? 1;
    if (!Number.isInteger(steps) || steps < 1) {
      throw new NeomigError('USAGE', `--steps must be a whole number of at least 1, not ${steps}`);
    }
    chosen = applied.slice(0, steps);
  }

  const removing = new Set(chosen.map((s) => s.version));
  for (const s of chosen) {
    const entry = s.applied!;
    const file = s.local?.up.file ?? entry.script;
    if (entry.irreversible) {
      throw new NeomigError('VALIDATION', `${s.version} is irreversible: it has no down on purpose`, {
        version: s.version,
        file,
        hint: `Go down only to ${s.version} or above (\`neomig down --to ${s.version}\`), or restore a backup.`,
      });
    }
    if (entry.downScript === null) {
      throw new NeomigError('VALIDATION', `${s.version} has no recorded down script`, {
        version: s.version,
        file,
        hint: 'It was applied without a down. Write one, re-apply is not possible while applied: revert by hand, then `neomig repair`.',
      });
    }
    // A dependent that stays applied would lose what it relies on.
    for (const other of states) {
      if (!isInEffect(other.status) || removing.has(other.version)) continue;
      const deps = other.applied?.dependsOn ?? other.local?.meta.dependsOn ?? [];
      if (deps.includes(s.version)) {
        throw new NeomigError('VALIDATION', `reversing ${s.version} would strand ${other.version}, which depends on it and stays applied`, {
          version: s.version,
          file,
          hint: `Reverse ${other.version} too (e.g. \`neomig down --to\` a version below ${other.version}).`,
        });
      }
    }
  }

  const steps: PlanStep[] = chosen.map((s) => ({
    version: s.version,
    direction: 'down',
    description: s.description,
    migration: s.local,
    applied: s.applied,
  }));
  const remaining = states.filter((s) => isInEffect(s.status) && !s.repeatable && !removing.has(s.version)).map((s) => s.version);
  return { direction: 'down', steps, currentVersion: current, targetVersion: remaining.at(-1) ?? null };
}

/** The applied migrations installed after `moment`, newest first (by when they were applied, then by version). */
function appliedAfter(applied: MigrationState[], moment: number): MigrationState[] {
  const at = (s: MigrationState) => isoToMillis(s.applied?.installedAt ?? '') ?? Number.NEGATIVE_INFINITY;
  return applied
    .filter((s) => at(s) > moment)
    .sort((a, b) => compareInstants(b.applied?.installedAt ?? '', a.applied?.installedAt ?? '') || compareVersions(b.version, a.version));
}
