/**
 * Runs the real `bin/neomig` as a child process, the way users and CI pipelines do. The CLI runs
 * from dist/, so `ensureBuilt()` rebuilds it when a file under src/ is newer than the last build.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'neomig');
const BUILT = path.join(ROOT, 'dist', 'cli', 'main.js');
const LOCK = path.join(ROOT, '.build-lock');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document of a --json run (throws if it is not exactly that) */
  json(): Record<string, any>;
}

export interface CliOptions {
  cwd: string;
  /** variables added to a clean environment (no NEO4J_*, NEOMIG_*, color settings of the caller) */
  env?: Record<string, string>;
  /** node flags, e.g. ['--import', hook] */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), BIN, ...args],
      { cwd: options.cwd, env: { ...cleanEnv(), ...options.env }, timeout: options.timeoutMs ?? 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
      },
    );
  });
}

/** The caller's environment without NEO4J_*, NEOMIG_* and color settings. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(NEO4J_|NEOMIG_)/.test(k) || ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'NODE_OPTIONS'].includes(k)) continue;
    env[k] = v;
  }
  return env;
}

/** Builds dist/ when it is missing or older than src/ (one builder at a time across test workers). */
export function ensureBuilt(): void {
  if (!stale()) return;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${LOCK} held for 2 minutes; remove it if no build is running`);
      execFileSync(process.execPath, ['-e', 'setTimeout(() => {}, 250)']);
    }
  }
  try {
    if (stale()) {
      try {
        execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
      } catch (e) {
        // tsc still emits on type errors (someone else's file in progress); only a missing build is fatal
        if (!existsSync(BUILT)) throw new Error(`npm run build failed:\n${(e as { stdout?: Buffer }).stdout?.toString() ?? e}`);
      }
    }
  } finally {
    rmdirSync(LOCK);
  }
}

function stale(): boolean {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  return newest(path.join(ROOT, 'src')) > built;
}

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** Makes `import ... from 'neomig'` resolve to this repository inside a temp project folder. */
export function linkNeomig(projectDir: string): void {
  mkdirSync(path.join(projectDir, 'node_modules'), { recursive: true });
  const link = path.join(projectDir, 'node_modules', 'neomig');
  if (!existsSync(link)) symlinkSync(ROOT, link, 'dir');
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b\[/;
