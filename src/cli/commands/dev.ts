/**
 * `neomig dev`: watch mode for local development. Applies pending migrations at start and whenever a
 * file in the migrations folder changes. When an applied, unreleased migration's file changes, the
 * migrator runs its recorded down and then the new up. "Unreleased" means above `--released <version>`
 * (default: every version, since dev refuses protected environments and is meant for a local
 * database). A failing cycle is reported and the watch goes on; Ctrl-C ends it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { NeomigError } from '../../errors.js';
import { SUM_FILE } from '../../core/integrity.js';
import { parseVersion, compareVersions } from '../../core/version.js';
import type { ResolvedConfig } from '../../config/types.js';
import type { Migrator } from '../../runner/types.js';
import { action, isDebug, type CliState, type CommandOutcome } from '../context.js';
import { addCommonOptions, lockTimeoutOption } from '../options.js';
import type { Output } from '../output.js';
import { renderError } from '../render/error.js';
import { type TrustCliOptions, trustOf, trustOptions } from '../trust-options.js';
import { examples, presentRun } from './shared.js';

export interface DevOptions {
  /** versions at or below this one are released: a change to them is drift, never re-run */
  released?: string;
  /** quiet time after the last file event before a cycle starts (default 300 ms) */
  debounceMs?: number;
  /** ends the watch (default: SIGINT or SIGTERM) */
  signal?: AbortSignal;
  /** the migrator to drive (default: a new one for `config`) */
  migrator?: Migrator;
  /** --trust-recorded / --trust-reason, passed to every cycle's up */
  trust?: { trustRecorded?: string[]; trustReason?: string };
}

interface DevSummary {
  cycles: number;
  failedCycles: number;
  /** versions applied (or re-applied) during the session, in order */
  applied: string[];
}

/** Watches the migrations folder and applies changes until the signal fires. */
export async function runDev(config: ResolvedConfig, output: Output, options: DevOptions = {}): Promise<CommandOutcome> {
  if (config.protected) {
    throw new NeomigError('USAGE', `neomig dev re-runs changed migrations and refuses the protected environment '${config.environment ?? '(top level)'}'`, {
      hint: 'Point dev at a local database: use an environment without protected: true.',
    });
  }
  const released = options.released === undefined ? null : parseVersion(options.released);
  if (options.released !== undefined && released === null) {
    throw new NeomigError('USAGE', `--released ${options.released}: not a version`, { hint: 'Give a version such as 1.4.0.' });
  }
  const isUnreleased = (version: string) => released === null || compareVersions(version, released) > 0;

  let migrator = options.migrator;
  let ownMigrator = false;
  if (!migrator) {
    const { createMigrator } = await import('../../runner/migrator.js');
    migrator = createMigrator(config);
    ownMigrator = true;
  }
  const m = migrator;
  const summary: DevSummary = { cycles: 0, failedCycles: 0, applied: [] };
  // what this session applied itself: the only recorded downs dev vouches for beyond files and neomig.sum
  const vouched = new Map<string, string>();
  const p = output.errPaint;

  const cycle = async (reason: string) => {
    summary.cycles++;
    output.log(p.cyan(`[dev] ${reason}`));
    try {
      const outcome = await presentRun(() => m.up({ allowChanged: isUnreleased, vouched, ...options.trust }), output);
      const applied = (outcome.result.applied as { version: string }[] | undefined) ?? [];
      summary.applied.push(...applied.map((s) => s.version));
      if (outcome.error) summary.failedCycles++;
    } catch (e) {
      summary.failedCycles++;
      output.log(renderError(e, p, { debug: isDebug(output.io) }));
    }
    output.log(p.gray(`[dev] watching ${path.relative(output.io.cwd, config.migrationsDir) || '.'} (Ctrl-C to stop)`));
  };

  // Serialize cycles: changes during a cycle schedule exactly one more.
  let running: Promise<void> | null = null;
  let again = false;
  const trigger = (reason: string) => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let why = reason;
      do {
        again = false;
        await cycle(why);
        why = 'files changed while applying';
      } while (again);
      running = null;
    })();
  };

  const { signal, dispose } = stopSignal(options.signal);
  mkdirSync(config.migrationsDir, { recursive: true });
  const { watch } = await import('chokidar');
  const watcher = watch(config.migrationsDir, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 25 },
    // dev writes neomig.sum itself after applying; that write is no reason for another cycle
    ignored: (file: string) => path.basename(file).startsWith(SUM_FILE),
  });
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  watcher.on('all', (event, file) => {
    if (event === 'addDir' || event === 'unlinkDir') return;
    changed.add(`${event === 'unlink' ? 'removed' : event === 'add' ? 'added' : 'changed'} ${path.basename(file)}`);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const what = [...changed].join(', ');
      changed.clear();
      trigger(what);
    }, options.debounceMs ?? 300);
  });
  watcher.on('error', (e) => output.log(p.yellow(`[dev] watcher error: ${e instanceof Error ? e.message : String(e)}`)));

  try {
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    // a Ctrl-C while the watcher was starting means: run nothing
    if (!signal.aborted) trigger('starting');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearTimeout(timer);
    await watcher.close();
    await running;
    dispose();
    if (ownMigrator) await m.close();
  }
  output.log(p.gray(`[dev] stopped after ${summary.cycles} cycle(s)`));
  return { result: { ...summary } };
}

/** The caller's signal, or one that SIGINT/SIGTERM fires. */
function stopSignal(given: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  if (given) return { signal: given, dispose: () => {} };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

interface DevCliOptions extends TrustCliOptions {
  released?: string;
}

export function registerDev(program: Command, state: CliState): void {
  const cmd = program
    .command('dev')
    .description('watch the migrations folder: apply new files; re-run changed, unreleased ones (down, then up)')
    .option('--released <version>', 'versions up to this one are released: never re-run, a change to them is drift')
    .addOption(lockTimeoutOption());
  for (const option of trustOptions()) cmd.addOption(option);
  addCommonOptions(cmd)
    .addHelpText('after', examples('neomig dev --env local', 'neomig dev --released 1.4.0   # 1.4.0 and below are in production; never re-run them'))
    .action(action<DevCliOptions>('dev', state, async (ctx) =>
      runDev(await ctx.config(), ctx.output, {
        released: ctx.options.released,
        migrator: await ctx.migrator(),
        trust: trustOf(ctx.options),
      })));
}
