/**
 * The commander program: one register function per command (commands/*.ts), shared option builders
 * (options.ts). Commander never exits the process: usage errors become exit code 2 (and, with
 * --json, one JSON document) in main.ts.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliState } from './context.js';
import { registerBaseline } from './commands/baseline.js';
import { registerClean } from './commands/clean.js';
import { registerCreate } from './commands/create.js';
import { registerDev } from './commands/dev.js';
import { registerDown } from './commands/down.js';
import { registerHash } from './commands/hash.js';
import { registerRepair } from './commands/repair.js';
import { registerRestore } from './commands/restore.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerStatus } from './commands/status.js';
import { registerUp } from './commands/up.js';
import { registerValidate } from './commands/validate.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export interface ProgramHooks {
  /** where commander's own messages (usage errors) go; main.ts turns them into JSON under --json */
  writeErr(text: string): void;
}

export function createProgram(state: CliState, hooks: ProgramHooks): Command {
  const program = new Command('neomig')
    .description('Versioned, Flyway-style schema migrations for Neo4j')
    .version(packageVersion(), '-V, --version', 'print the neomig version')
    // Program options only before the command name, so `baseline --version 1.2.0` is the command's.
    .enablePositionalOptions()
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => state.io.stdout.write(text),
      writeErr: (text) => hooks.writeErr(text),
    })
    .addHelpText('after', `
Exit codes: 0 ok or nothing to do, 1 a migration failed, 2 usage/config/migration-file error,
            3 validation failed, 4 lock not acquired, 5 cannot connect or authenticate.
Run neomig <command> --help for a command's options and examples.`);

  for (const register of [registerCreate, registerUp, registerDown, registerStatus, registerValidate, registerBaseline, registerRepair, registerClean, registerDev, registerHash,
    registerSnapshot, registerRestore]) {
    register(program, state);
  }
  return program;
}
