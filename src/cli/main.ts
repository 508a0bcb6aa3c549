/**
 * The CLI entry: parses argv, runs the command, and returns the exit code (SPEC §5). Only `main()`
 * touches the real process; `run()` takes its streams and environment, for tests.
 */
import { CommanderError } from 'commander';
import { EXIT, type ExitCode } from './exit-codes.js';
import { NeomigError } from '../errors.js';
import { Output, colorModeOf, type Io, type Stream } from './output.js';
import type { CliState } from './context.js';
import { createProgram } from './program.js';
import { errorJson, renderError } from './render/error.js';

const COMMANDS = ['create', 'up', 'down', 'status', 'info', 'validate', 'baseline', 'repair', 'clean', 'dev', 'snapshot', 'restore'];

/** Runs neomig with `argv` (the arguments after the executable and script) and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const state: CliState = { io, exitCode: EXIT.OK };
  const json = flagGiven(argv, '--json');
  // Commander's own messages are not written as they come: a usage error is reported below in neomig's
  // style (or as the JSON document); only help shown for a missing command is passed on as it is.
  let commanderText = '';
  const program = createProgram(state, { writeErr: (text) => (commanderText += text) });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.OK; // --help, --version
      reportUsageError(outputFor(argv, io, json), argv, e, commanderText);
      return EXIT.USAGE;
    }
    // Actions report their own errors; this is a bug in neomig itself.
    const output = outputFor(argv, io, json);
    if (json) output.document({ ok: false, command: commandOf(argv), error: errorJson(e) });
    else output.log(renderError(e, output.errPaint));
    return EXIT.MIGRATION_FAILED;
  }
  return state.exitCode;
}

/** The process entry used by bin/neomig. */
export async function main(): Promise<void> {
  const io = { stdout: pipeSafe(process.stdout), stderr: pipeSafe(process.stderr), env: process.env, cwd: process.cwd() };
  const code = await run(process.argv.slice(2), io);
  process.exitCode = code;
  // Safety net: if a socket or timer outlives the command, do not hang a CI job. Unref'd, so a
  // clean run exits at once and output already written is never cut short.
  setTimeout(() => process.exit(code), 3000).unref();
}

/**
 * A process stream whose reader may go away (`neomig up --help | head -1`). Once it has, writes are
 * dropped instead of crashing on EPIPE with a stack trace; the command still finishes, because a
 * migration must not stop halfway when nobody reads its output, and exits with its own code.
 */
function pipeSafe(stream: NodeJS.WriteStream): Stream {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    closed = true;
  });
  return {
    write: (chunk) => !closed && stream.write(chunk),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/**
 * A usage error found by commander (unknown option or command, missing argument, conflicting flags),
 * reported like neomig's own usage errors: `error [USAGE] ...` with a hint on stderr, or the one JSON
 * document with --json; exit code 2 either way.
 */
function reportUsageError(output: Output, argv: string[], e: CommanderError, commanderText: string): void {
  const command = commandOf(argv);
  if (e.code === 'commander.help') {
    // `neomig` alone: commander's help, which is what the user needs, on stderr
    const error = { code: 'USAGE', message: 'no command given', hint: 'Run neomig --help.' };
    if (output.json) output.document({ ok: false, command, error });
    else output.writeErr(commanderText);
    return;
  }
  const [first = '', ...rest] = e.message.replace(/^error: /, '').split('\n');
  const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(' '))?.[1];
  const error = new NeomigError('USAGE', maskOptionValues(first.trim()), {
    commanderCode: e.code,
    hint: (suggestion ? `Did you mean ${suggestion}? ` : '')
      + (command ? `Run neomig ${command} --help for the options and examples.` : 'Run neomig --help for the commands.'),
  });
  if (output.json) output.document({ ok: false, command, error: errorJson(error) });
  else output.log(renderError(error, output.errPaint));
}

/** The output for errors reported outside a command's action: colors and secrets from argv and env. */
function outputFor(argv: string[], io: Io, json: boolean): Output {
  const output = new Output(io, { json, color: colorModeOf(colorFlag(argv)) });
  output.addSecret(io.env.NEO4J_PASSWORD);
  argv.forEach((arg, i) => {
    if (arg === '--password') output.addSecret(argv[i + 1]);
    else if (arg.startsWith('--password=')) output.addSecret(arg.slice('--password='.length));
  });
  return output;
}

/** Commander echoes unknown options whole (`--pasword=secret`): keep the name, mask the value. */
function maskOptionValues(text: string): string {
  return text.replace(/'(--?[^\s=']+)=[^']*'/g, "'$1=…'");
}

/** --color or --no-color, whichever comes last; undefined when neither is given. */
function colorFlag(argv: string[]): boolean | undefined {
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const last = Math.max(options.lastIndexOf('--color'), options.lastIndexOf('--no-color'));
  return last === -1 ? undefined : options[last] === '--color';
}

function flagGiven(argv: string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes(flag);
}

function commandOf(argv: string[]): string | null {
  const name = argv.find((a) => COMMANDS.includes(a));
  return name === 'info' ? 'status' : (name ?? null);
}
