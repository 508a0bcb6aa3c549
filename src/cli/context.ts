/**
 * What every command shares: reading the config from flags, env and file; opening the migrator
 * (imported lazily: it pulls in neo4j-driver); rendering progress; and turning the outcome or the
 * error into output and an exit code. Command handlers return their result and never exit.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { NeomigError } from '../errors.js';
import { readConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Migrator } from '../runner/types.js';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.js';
import { Output, colorModeOf, type Io } from './output.js';
import { flagsLayer, type CommonOptions } from './options.js';
import { errorJson, renderError } from './render/error.js';
import { ProgressRenderer } from './render/progress.js';

export type CommandName =
  | 'create'
  | 'up'
  | 'down'
  | 'status'
  | 'validate'
  | 'baseline'
  | 'repair'
  | 'clean'
  | 'dev'
  | 'hash'
  | 'resolve'
  | 'delete'
  | 'check'
  | 'show'
  | 'verify'
  | 'snapshot'
  | 'restore'
  | 'schema pull'
  | 'schema diff';

/** Shared by the program and its actions: where to write, and the exit code the run ends with. */
export interface CliState {
  io: Io;
  exitCode: ExitCode;
}

export interface CommandContext<O> {
  name: CommandName;
  options: O & CommonOptions;
  /** positional arguments */
  args: unknown[];
  output: Output;
  io: Io;
  /** the resolved configuration (read once, on first use) */
  config(): Promise<ResolvedConfig>;
  /** a migrator for the config, with progress rendered to stderr; closed when the command ends */
  migrator(): Promise<Migrator>;
}

export interface CommandOutcome {
  /** the command's result; becomes the body of the JSON document */
  result: Record<string, unknown>;
  /** default 0 */
  exitCode?: ExitCode;
  /** a failure reported without throwing (e.g. a migration that failed and was reversed) */
  error?: Record<string, unknown>;
}

type Handler<O> = (ctx: CommandContext<O>) => Promise<CommandOutcome>;

/** Wraps a handler into a commander action that sets `state.exitCode` and prints the outcome. */
export function action<O>(name: CommandName, state: CliState, handler: Handler<O>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const options = cmd.opts<O & CommonOptions>();
    const io = state.io;
    const output = new Output(io, { json: options.json === true, color: colorModeOf(options.color) });
    // Known before the config is read, so even a config error cannot print them.
    output.addSecret(options.password);
    output.addSecret(io.env.NEO4J_PASSWORD);

    let config: Promise<ResolvedConfig> | undefined;
    let used: Record<string, string> = {};
    let migrator: Migrator | undefined;
    let progress: ProgressRenderer | undefined;
    const ctx: CommandContext<O> = {
      name,
      options,
      args: args.slice(0, -2),
      output,
      io,
      config: () =>
        (config ??= readConfig({
          cwd: io.cwd,
          configPath: options.config,
          env: options.env,
          flags: flagsLayer(cmd),
          processEnv: io.env,
          onSecret: (secret) => output.addSecret(secret),
        }).then((c) => {
          output.addSecret(c.connection.password);
          used = configUsed(c, output, io.cwd);
          return c;
        })),
      migrator: async () => {
        if (migrator) return migrator;
        const resolved = await ctx.config();
        const { createMigrator } = await import('../runner/migrator.js');
        migrator = createMigrator(resolved);
        progress = new ProgressRenderer(output);
        const renderer = progress;
        migrator.on((event) => renderer.handle(event));
        return migrator;
      },
    };

    let outcome: CommandOutcome | undefined;
    let thrown: unknown;
    try {
      outcome = await handler(ctx);
    } catch (e) {
      thrown = e;
    } finally {
      progress?.stop();
      if (migrator) {
        await migrator.close().catch((e: unknown) => {
          output.log(output.errPaint.yellow(`warning: closing the connection failed: ${e instanceof Error ? e.message : String(e)}`));
        });
      }
    }

    const error = thrown !== undefined ? errorJson(thrown) : outcome?.error;
    const exitCode: ExitCode = thrown !== undefined ? exitCodeFor(thrown) : (outcome?.exitCode ?? EXIT.OK);
    if (output.json) {
      const { ok: _ok, command: _command, ...result } = outcome?.result ?? {};
      output.document({ ok: error === undefined, command: name, ...used, ...result, ...(error ? { error } : {}) });
    } else if (thrown !== undefined) {
      output.log(renderError(thrown, output.errPaint, { debug: isDebug(io) }));
    }
    state.exitCode = exitCode;
  };
}

/**
 * Says which config file (and .env) the command uses: a line on stderr for people, since the file may
 * lie in a folder above the current one; the `config` (and `envFile`) members of the JSON document.
 */
function configUsed(config: ResolvedConfig, output: Output, cwd: string): Record<string, string> {
  if (!config.configFile) return {};
  const shown = (file: string) => path.relative(cwd, file) || file;
  if (!output.json) {
    const env = config.envFile ? ` and ${shown(config.envFile)}` : '';
    output.log(output.errPaint.gray(`Using ${shown(config.configFile)}${env}`));
  }
  return { config: config.configFile, ...(config.envFile ? { envFile: config.envFile } : {}) };
}

/** `down`, `repair`, `baseline`, `resolve` and `delete` on a `protected: true` environment need --yes. */
export function requireConfirmation(config: ResolvedConfig, yes: boolean | undefined, command: CommandName): void {
  if (!config.protected || yes) return;
  const where = config.environment ? `environment '${config.environment}'` : 'configuration';
  throw new NeomigError('USAGE', `The ${where} is protected: \`neomig ${command}\` needs --yes`, {
    hint: `Add --yes to confirm. neomig never prompts, so the flag is the confirmation.`,
  });
}

/** `clean` and `restore` delete everything: refused unless the config sets cleanEnabled, and confirmed with --yes. */
export function requireCleanConfirmed(config: ResolvedConfig, yes: boolean | undefined, command: 'clean' | 'restore', what: string): void {
  const where = config.environment ? `environment '${config.environment}'` : 'configuration';
  if (!config.cleanEnabled) {
    const under = config.environment ? ` under environments.${config.environment}` : '';
    const then = `neomig ${command}${command === 'restore' ? ' <file>' : ''} --yes`;
    throw new NeomigError('CONFIG', `${command} is disabled for this ${where}`, {
      hint: `It deletes everything in the database. To allow it, set cleanEnabled: true${under} in the config, then run ${then}.`,
    });
  }
  if (!yes) {
    throw new NeomigError('USAGE', `${what}: confirm with --yes`, { hint: 'neomig never prompts; add --yes to confirm.' });
  }
}

export function isDebug(io: Io): boolean {
  return (io.env.NEOMIG_DEBUG ?? '') !== '' && io.env.NEOMIG_DEBUG !== '0';
}
