/**
 * Finds or starts a real Neo4j for neomig's integration tests and demo.
 *
 * Order:
 *   1. NEO4J_URI is set: use that server (NEO4J_USERNAME, default neo4j; NEO4J_PASSWORD). stop() does nothing.
 *   2. A Docker engine answers: @testcontainers/neo4j with the community image of the selected version.
 *   3. Otherwise: build the JVM launcher if needed (tools/neo4j-local, Maven) and run Neo4j Community on a
 *      free port in a fresh temporary directory. stop() kills that JVM and removes the directory.
 *
 * The version is NEOMIG_NEO4J_VERSION's ('lts' default, 'calendar'/'latest', or exact; see versions.ts).
 * NEOMIG_NEO4J_PROVIDER=env|testcontainers|jvm forces one way (useful to test the JVM path on a Docker host).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import neo4j, { type Driver } from 'neo4j-driver';

import {
  buildLauncher,
  findJdk,
  LAUNCHER_MAIN_CLASS,
  launcherClasspath,
  launcherJvmFlags,
  Neo4jLocalError,
  pidAlive,
} from './build.js';
import { type Neo4jVersionInfo, neo4jVersionInfo, resolveNeo4jVersion } from './versions.js';

/** The password of the `neo4j` user on servers started here (JVM and Testcontainers). */
export const NEOMIG_TEST_PASSWORD = 'neomig-test-pw';

export type Neo4jProviderKind = 'env' | 'testcontainers' | 'jvm';

/** How to reach a server: plain data, safe to pass between processes. */
export interface Neo4jConnection {
  uri: string;
  username: string;
  password: string;
  /** As the server reports it (CALL dbms.components()). */
  version: string;
  edition: string;
  provider: Neo4jProviderKind;
}

export interface LocalNeo4j extends Neo4jConnection {
  /** Stops what startLocalNeo4j started (a no-op for NEO4J_URI). Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** 'lts' | 'calendar' | 'latest' | exact version; default NEOMIG_NEO4J_VERSION, else LTS. */
  version?: string;
  /** Force one provider; default NEOMIG_NEO4J_PROVIDER, else the first that works. */
  provider?: Neo4jProviderKind;
  /** Extra Neo4j settings (JVM and Testcontainers providers). */
  settings?: Record<string, string>;
  /** How long to wait for the JVM's ready line (default 120 s). */
  startTimeoutMs?: number;
  /** Where the one-line summary and build progress go (default: stderr). */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const DATA_DIR_PREFIX = 'neomig-neo4j-';
const OWNER_FILE = 'neomig-owner.json';

export async function startLocalNeo4j(opts: StartOptions = {}): Promise<LocalNeo4j> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const info = neo4jVersionInfo(resolveNeo4jVersion(opts.version ?? env['NEOMIG_NEO4J_VERSION']));
  const forced = opts.provider ?? parseProvider(env['NEOMIG_NEO4J_PROVIDER']);
  const t0 = performance.now();
  const announce = (server: LocalNeo4j, seconds = (performance.now() - t0) / 1000) => {
    log(`neo4j: ${server.provider} ${server.version} ${server.edition} at ${server.uri} (started in ${seconds.toFixed(1)} s)`);
    return server;
  };

  if (forced === 'env' || (!forced && env['NEO4J_URI'])) {
    return announce(await fromEnv(env));
  }
  if (forced === 'testcontainers' || (!forced && (await dockerAnswers()))) {
    return announce(await fromTestcontainers(info, opts.settings ?? {}));
  }

  // The JVM launcher. Turn "cannot build/run" into one sentence naming every way out.
  try {
    await buildLauncher(info.version, { log });
    findJdk(info);
  } catch (e) {
    if (e instanceof Neo4jLocalError && e.missing && !forced) {
      throw new Neo4jLocalError(
        `No Neo4j to test against: NEO4J_URI is not set, no Docker engine answered, and ${e.missing.problem}; ${e.missing.remedy} (or start a Docker engine).`,
        e.reason,
        e.missing,
      );
    }
    throw e;
  }
  const tStart = performance.now(); // the summary line's time leaves out the Maven build, which logs its own
  const server = await fromJvm(info, opts.settings ?? {}, opts.startTimeoutMs ?? 120_000);
  return announce(server, (performance.now() - tStart) / 1000);
}

function parseProvider(value: string | undefined): Neo4jProviderKind | undefined {
  if (!value) return undefined;
  if (value === 'env' || value === 'testcontainers' || value === 'jvm') return value;
  throw new Error(`NEOMIG_NEO4J_PROVIDER="${value}" is not one of env, testcontainers, jvm`);
}

// ------------------------------------------------------------------------------------ shared helpers

async function serverFacts(uri: string, username: string, password: string): Promise<{ version: string; edition: string }> {
  const driver = neo4j.driver(uri, neo4j.auth.basic(username, password));
  try {
    await driver.verifyConnectivity();
    const { records } = await driver.executeQuery(
      'CALL dbms.components() YIELD name, versions, edition WHERE name = "Neo4j Kernel" RETURN versions[0] AS version, edition',
      {},
      { routing: neo4j.routing.READ },
    );
    const row = records[0];
    return { version: String(row?.get('version') ?? 'unknown'), edition: String(row?.get('edition') ?? 'unknown') };
  } finally {
    await driver.close();
  }
}

async function waitForBolt(uri: string, username: string, password: string, deadline: number): Promise<void> {
  let last: unknown;
  while (performance.now() < deadline) {
    const driver = neo4j.driver(uri, neo4j.auth.basic(username, password), { connectionTimeout: 5000 });
    try {
      await driver.verifyConnectivity();
      return;
    } catch (e) {
      last = e;
      const code = (e as { code?: string }).code;
      if (code === 'Neo.ClientError.Security.Unauthorized') throw e; // waiting will not fix this
    } finally {
      await driver.close();
    }
    await sleep(250);
  }
  throw new Error(`Neo4j at ${uri} did not accept Bolt connections in time: ${(last as Error | undefined)?.message ?? 'no answer'}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// --------------------------------------------------------------------------------------- 1. NEO4J_URI

async function fromEnv(env: NodeJS.ProcessEnv): Promise<LocalNeo4j> {
  const uri = env['NEO4J_URI'];
  if (!uri) throw new Error('NEOMIG_NEO4J_PROVIDER=env needs NEO4J_URI (and NEO4J_USERNAME / NEO4J_PASSWORD)');
  const username = env['NEO4J_USERNAME'] || 'neo4j';
  const password = env['NEO4J_PASSWORD'] ?? '';
  let facts: { version: string; edition: string };
  try {
    facts = await serverFacts(uri, username, password);
  } catch (e) {
    throw new Error(`NEO4J_URI=${uri} does not answer as user ${username}: ${(e as Error).message}`, { cause: e });
  }
  return { uri, username, password, ...facts, provider: 'env', stop: async () => {} };
}

// ------------------------------------------------------------------------------------ 2. Testcontainers

/** Testcontainers' own runtime check; fast and silent when there is no Docker engine. */
async function dockerAnswers(timeoutMs = 5000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Neo4j settings as the official image's environment variables: NEO4J_ + dots to _, _ to __. */
function imageEnv(settings: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings)) out[`NEO4J_${k.replace(/_/g, '__').replace(/\./g, '_')}`] = v;
  return out;
}

async function fromTestcontainers(info: Neo4jVersionInfo, extra: Record<string, string>): Promise<LocalNeo4j> {
  const { Neo4jContainer } = await import('@testcontainers/neo4j');
  const settings = { ...defaultSettings(info), ...extra };
  const container = await new Neo4jContainer(`neo4j:${info.version}`)
    .withPassword(NEOMIG_TEST_PASSWORD)
    .withEnvironment(imageEnv(settings))
    .start();
  const uri = container.getBoltUri();
  const username = container.getUsername();
  const password = container.getPassword();
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= container.stop().then(() => undefined));
  try {
    await waitForBolt(uri, username, password, performance.now() + 60_000);
    const facts = await serverFacts(uri, username, password);
    return { uri, username, password, ...facts, provider: 'testcontainers', stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function defaultSettings(info: Neo4jVersionInfo): Record<string, string> {
  // An embedded server stays on Cypher 5 unless told otherwise; the calendar line is tested on Cypher 25.
  return info.cypher25 ? { 'db.query.default_language': 'CYPHER_25' } : {};
}

// -------------------------------------------------------------------------------------------- 3. JVM

interface Running {
  child: ChildProcess;
  dataDir: string;
  exited: Promise<void>;
}

/** JVMs this process started and has not stopped yet: killed by the exit/signal handlers. */
const running = new Set<Running>();
let handlersInstalled = false;

function killAllNow(): void {
  for (const r of running) {
    const pid = r.child.pid;
    if (pid !== undefined && r.child.exitCode === null && r.child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      rmSync(r.dataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // the OS tmp cleaner (or the next start's sweep) will get it
    }
  }
  running.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllNow();
      // If nobody else handles this signal, restore the default (terminate) by re-raising it.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** Removes data dirs left by runs that died before cleaning up (both their Node and JVM are gone). */
function sweepStaleDataDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(DATA_DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    try {
      const owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as { node?: number; jvm?: number };
      if ((owner.node && pidAlive(owner.node)) || (owner.jvm && pidAlive(owner.jvm))) continue;
    } catch {
      // no owner file: only remove if clearly abandoned (older than a day)
      try {
        if (Date.now() - statSync(dir).mtimeMs < 24 * 3600_000) continue;
      } catch {
        continue;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

class EarlyExit extends Neo4jLocalError {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message, 'start-failed');
  }
}

/**
 * Settings for the throwaway JVM server: no usage report (no internet here anyway), and no 2 x 5 s Netty
 * quiet period when Bolt shuts down (stop() takes ~11 s without it).
 */
const JVM_SETTINGS: Record<string, string> = {
  'dbms.usage_report.enabled': 'false',
  'internal.dbms.bolt.netty_server_shutdown_quiet_period': '0',
};

async function fromJvm(info: Neo4jVersionInfo, extra: Record<string, string>, startTimeoutMs: number): Promise<LocalNeo4j> {
  sweepStaleDataDirs();
  installExitHandlers();
  const jdk = findJdk(info);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(info, jdk.java, { ...defaultSettings(info), ...JVM_SETTINGS, ...extra }, startTimeoutMs);
    } catch (e) {
      // Another process took the port between our probe and the JVM's bind: try another one.
      if (e instanceof EarlyExit && e.portInUse && attempt < 3) continue;
      throw e;
    }
  }
}

async function launchOnce(info: Neo4jVersionInfo, java: string, settings: Record<string, string>, startTimeoutMs: number): Promise<LocalNeo4j> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), DATA_DIR_PREFIX));
  const tag = process.env['NEOMIG_NEO4J_TAG'];
  const args = [
    ...launcherJvmFlags(info),
    ...(tag ? [`-Dneomig.tag=${tag}`] : []),
    '-cp',
    launcherClasspath(info.version),
    LAUNCHER_MAIN_CLASS,
    String(port),
    dataDir,
    NEOMIG_TEST_PASSWORD,
    ...Object.entries(settings).map(([k, v]) => `${k}=${v}`),
  ];
  // stdin stays an open pipe: the launcher exits when it closes, so the JVM cannot outlive this process.
  const child = spawn(java, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const entry: Running = { child, dataDir, exited };
  running.add(entry);
  writeFileSync(join(dataDir, OWNER_FILE), JSON.stringify({ node: process.pid, jvm: child.pid }));

  const stderrTail: string[] = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    stderrTail.push(...lines.filter((l) => l.trim() !== ''));
    if (stderrTail.length > 40) stderrTail.splice(0, stderrTail.length - 40);
  });
  let stdoutBuf = '';
  const ready = new Promise<{ version: string; edition: string }>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), startTimeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdoutBuf += chunk.toString('utf8');
      const m = /^NEO4J_READY version=(\S+) edition=(\S+) port=(\d+)/m.exec(stdoutBuf);
      if (m) {
        clearTimeout(timer);
        resolveReady({ version: m[1]!, edition: m[2]! });
      }
      if (stdoutBuf.length > 65536) stdoutBuf = stdoutBuf.slice(-4096);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new EarlyExit(`exited with ${signal ?? `code ${code}`}`, false));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const killer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
            try {
              process.kill(child.pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }, 15_000);
        await exited;
        clearTimeout(killer);
      }
      child.stdin?.destroy();
      running.delete(entry);
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    })());

  const uri = `bolt://127.0.0.1:${port}`;
  const deadline = performance.now() + startTimeoutMs;
  try {
    const facts = await ready;
    await waitForBolt(uri, 'neo4j', NEOMIG_TEST_PASSWORD, deadline);
    // Nothing of ours should keep the event loop alive now: a script that forgets stop() still ends,
    // and the exit handler (or, failing that, the closed stdin pipe) takes the JVM down with it.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket | null)?.unref?.();
    return { uri, username: 'neo4j', password: NEOMIG_TEST_PASSWORD, ...facts, provider: 'jvm', stop };
  } catch (e) {
    const logFile = ['neo4j.log', 'debug.log'].map((f) => join(dataDir, 'logs', f)).find((f) => existsSync(f)) ?? join(dataDir, 'logs', 'debug.log');
    const tail = stderrTail.filter((l) => !/^WARNING: (A terminally deprecated|sun\.misc\.Unsafe|Please consider reporting)/.test(l)).slice(-15);
    const portInUse = tail.some((l) => /BindException|Address already in use/i.test(l));
    // Keep the data dir (its logs explain the failure) but stop the JVM.
    const keepLogs = async () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
          await exited;
        }
        child.stdin?.destroy();
        running.delete(entry);
      })();
      await stopping;
    };
    await keepLogs();
    if (portInUse) rmSync(dataDir, { recursive: true, force: true });
    const what =
      e instanceof EarlyExit
        ? `exited before it was ready (${e.message})`
        : (e as Error).message === 'timeout'
          ? `was not ready after ${Math.round(startTimeoutMs / 1000)} s`
          : `failed: ${(e as Error).message}`;
    const message =
      `The local Neo4j ${info.version} (${java}, port ${port}) ${what}; its log is ${logFile}` +
      (tail.length ? `, and its last stderr lines were:\n${tail.join('\n')}` : ' (no stderr output)');
    throw e instanceof EarlyExit ? new EarlyExit(message, portInUse) : new Neo4jLocalError(message, 'start-failed');
  }
}
