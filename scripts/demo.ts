/**
 * `npm run demo`: the whole life cycle of the example migrations against a throwaway Neo4j.
 * Starts a server (NEO4J_URI if set, else Testcontainers, else Neo4j on the JVM), then runs the real CLI:
 * status, up, status, down --to 1.0.0, status, up --dry-run; and stops the server whatever happens.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalNeo4j } from '../tools/neo4j-local/provider.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin', 'neomig');

const server = await startLocalNeo4j();
// A working folder holding a copy of the examples: the demo never touches the repository's files.
const work = mkdtempSync(path.join(tmpdir(), 'neomig-demo-'));
let failed = false;
try {
  cpSync(path.join(root, 'migrations'), path.join(work, 'migrations'), { recursive: true });
  writeFileSync(path.join(work, 'neomig.config.json'), JSON.stringify({ migrations: 'migrations' }, null, 2));
  const env = {
    ...process.env,
    NEO4J_URI: server.uri,
    NEO4J_USERNAME: server.username,
    NEO4J_PASSWORD: server.password,
  };
  const steps: [string, string[]][] = [
    ['Nothing applied yet', ['status']],
    ['Apply every pending migration', ['up']],
    ['Where the database is now', ['status']],
    ['Roll back to 1.0.0 (1.0.0 stays applied)', ['down', '--to', '1.0.0', '--yes']],
    ['Status after the rollback', ['status']],
    ['What `up` would do now, without doing it', ['up', '--dry-run']],
    ['And apply it again', ['up']],
    ['Machine-readable status for pipelines', ['status', '--json']],
  ];
  for (const [title, args] of steps) {
    process.stdout.write(`\n\x1b[1m── ${title}: neomig ${args.join(' ')}\x1b[0m\n`);
    const run = spawnSync(process.execPath, [bin, ...args], { cwd: work, env, stdio: 'inherit' });
    if (run.status !== 0) {
      process.stderr.write(`neomig ${args.join(' ')} exited with ${run.status}\n`);
      failed = true;
      break;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
