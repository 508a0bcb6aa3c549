/**
 * The CLI entry: parses argv, runs the command, and returns the exit code (SPEC §5). Only `main()`
 * touches the real process; `run()` takes its streams and environment, for tests.
 */
import { CommanderError } from 'commander';
import { EXIT, type ExitCode } from './exit-codes.js';
import { Output, type Io, type Stream } from './output.js';
import type { CliState } from './context.js';
import { createProgram } from './program.js';
import { renderError } from './render/error.js';

const COMMANDS = ['create', 'up', 'down', 'status', 'info', 'validate', 'baseline', 'repair', 'clean', 'dev'];

/** Runs neomig with `argv` (the arguments after the executable and script) and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const state: CliState = { io, exitCode: EXIT.OK };
  const json = flagGiven(argv, '--json');
  let usageMessage = '';
  const program = createProgram(state, {
    writeErr: (text) => {
      if (json) usageMessage += text;
      else io.stderr.write(redactArgs(text, argv, io));
    },
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.OK; // --help, --version
      if (json) usageDocument(io, argv, e, usageMessage);
      return EXIT.USAGE;
    }
    // Actions report their own errors; this is a bug in neomig itself.
    const output = new Output(io, { json, color: !flagGiven(argv, '--no-color') });
    if (json) output.document({ ok: false, command: commandOf(argv), error: { code: 'UNEXPECTED', message: e instanceof Error ? e.message : String(e) } });
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

function usageDocument(io: Io, argv: string[], e: CommanderError, captured: string): void {
  const output = new Output(io, { json: true, color: false });
  const message = (e.message || captured).replace(/^error: /, '').trim();
  output.document({
    ok: false,
    command: commandOf(argv),
    error: { code: 'USAGE', message: redactArgs(message, argv, io), commanderCode: e.code, hint: 'Run neomig --help, or neomig <command> --help.' },
  });
}

/** Commander echoes unknown options whole (`--pasword=secret`): mask values and known passwords. */
function redactArgs(text: string, argv: string[], io: Io): string {
  const output = new Output(io, { json: false, color: false });
  output.addSecret(io.env.NEO4J_PASSWORD);
  argv.forEach((arg, i) => {
    if (arg === '--password') output.addSecret(argv[i + 1]);
    else if (arg.startsWith('--password=')) output.addSecret(arg.slice('--password='.length));
  });
  return output.redact(text.replace(/'(--?[^\s=']+)=[^']*'/g, "'$1=…'"));
}

function flagGiven(argv: string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes(flag);
}

function commandOf(argv: string[]): string | null {
  const name = argv.find((a) => COMMANDS.includes(a));
  return name === 'info' ? 'status' : (name ?? null);
}
