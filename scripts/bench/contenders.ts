/**
 * The contenders, each a whole process timed from spawn to exit (what a deploy or a test run pays):
 * neomig's CLI, neomig as a library (createMigrator from dist/ in a small script, which also reports
 * its in-process time), the bare driver, and neo4j-migrations' CLI on the JVM.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { neo4jMigrationsArgs, type JvmTool } from './neo4j-migrations.js';
import type { Server } from './database.js';
import type { MigrationSet } from './workloads.js';

export interface Timing {
  /** spawn to exit */
  wallMs: number;
  /** what the child measured itself, from connecting to closing (node contenders of ours only) */
  innerMs?: number;
}

export interface Contender {
  name: string;
  /** the baseline that ratios divide by (bare driver) or the one they compare with (neo4j-migrations) */
  role?: 'bare' | 'bare-await' | 'neo4j-migrations';
  run(server: Server): Promise<Timing>;
}

export interface Paths {
  repo: string;
  /** an empty directory to run CLIs in, so no neomig.config.* is picked up */
  scratch: string;
}

const here = path.dirname(new URL(import.meta.url).pathname);
const script = (name: string) => path.join(here, name);

/** Runs a command to completion; rejects with its output's tail if it exits non-zero. */
export function timed(command: string[], env: Record<string, string>, cwd: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) {
        reject(new Error(`${command.slice(0, 3).join(' ')} … exited ${code}:\n${(err || out).trim().slice(-1500)}`));
        return;
      }
      const last = out.trim().split('\n').at(-1) ?? '';
      const innerMs = last.startsWith('{"ms"') ? (JSON.parse(last) as { ms: number }).ms : undefined;
      resolve({ wallMs, innerMs });
    });
  });
}

const connectionEnv = (server: Server) => ({ NEO4J_URI: server.uri, NEO4J_USERNAME: server.username, NEO4J_PASSWORD: server.password });

/** `checkout`: another built neomig checkout to compare with (--compare), instead of this one. */
export function neomigCli(paths: Paths, command: 'up' | 'status' | 'validate', dir: string, checkout?: string): Contender {
  const bin = path.join(checkout ?? paths.repo, 'bin/neomig');
  return {
    name: checkout ? `neomig CLI @ ${checkout}` : 'neomig CLI',
    run: (server) => timed(['node', bin, command, '--migrations', dir], connectionEnv(server), paths.scratch),
  };
}

export function neomigLibrary(paths: Paths, operation: 'up' | 'status' | 'validate', dir: string): Contender {
  const entry = path.join(paths.repo, 'dist/index.js');
  return {
    name: 'neomig library',
    run: (server) => timed(['node', script('neomig-library.mjs'), entry, operation, dir], connectionEnv(server), paths.scratch),
  };
}

export function bareDriver(paths: Paths, set: MigrationSet, awaitIndexes = false): Contender {
  return {
    name: awaitIndexes ? 'bare driver + awaitIndexes' : 'bare driver',
    role: awaitIndexes ? 'bare-await' : 'bare',
    run: (server) =>
      timed(['node', script('bare-driver.mjs'), set.statementsFile, ...(awaitIndexes ? ['--await'] : [])], connectionEnv(server), paths.scratch),
  };
}

/** The floor for a read-only command: load the driver, connect, `RETURN 1`, exit. */
export function connectAndQuery(paths: Paths): Contender {
  return {
    name: 'bare connect + RETURN 1',
    role: 'bare',
    run: (server) => timed(['node', script('connect-and-query.mjs')], connectionEnv(server), paths.scratch),
  };
}

export function neo4jMigrationsCli(paths: Paths, tool: JvmTool, command: 'migrate' | 'info' | 'validate', dir: string): Contender {
  return {
    name: `neo4j-migrations ${tool.version} CLI`,
    role: 'neo4j-migrations',
    run: (server) => timed([...tool.command, ...neo4jMigrationsArgs(server, dir, command)], {}, paths.scratch),
  };
}
