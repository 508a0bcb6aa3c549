/**
 * neomig as a user installs it: `npm pack` (which runs the `prepack` build) from a copy of the package's
 * sources, the tarball unpacked into a fresh app, then `require('neomig')`, `import('neomig')` and a
 * CommonJS TypeScript app type-checking against it. No database: the runtime checks end with an offline
 * validate, which loads a TypeScript migration through neomig's own loader from CommonJS and from ESM.
 *
 * The tarball is unpacked, not `npm install`ed: an offline install needs the registry's metadata of
 * every dependency in npm's cache, which `npm ci` does not put there. The app links the dependencies
 * from this repository's node_modules instead; what npm would run on install is checked on the manifest.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFiles } from '../support/migrations.js';
import { ROOT } from '../support/cli.js';

const SOURCES = ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.cjs.json', 'scripts/build.mjs', 'src', 'bin', 'templates'];
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

// tsc and child processes are slow on a loaded machine
vi.setConfig({ testTimeout: 60_000 });

let work: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };
let manifest: { scripts?: Record<string, string>; dependencies: Record<string, string> };

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'neomig-pack-'));
  const source = path.join(work, 'source');
  for (const entry of SOURCES) cpSync(path.join(ROOT, entry), path.join(source, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  packed = (JSON.parse(out) as (typeof packed)[])[0]!;

  app = path.join(work, 'app');
  const installed = path.join(app, 'node_modules', 'neomig');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', installed, '--strip-components=1']);
  manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as typeof manifest;
  for (const dep of [...Object.keys(manifest.dependencies), '@types']) {
    symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(app, 'node_modules', dep), 'dir');
  }
  // A CommonJS app: no "type" in its package.json, as `npm init` writes it.
  writeFiles(app, {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', private: true }),
    'migrations/V1.0.0__people.up.cypher': 'CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;\n',
    'migrations/V1.0.0__people.down.cypher': 'DROP CONSTRAINT person_id IF EXISTS;\n',
    'migrations/V1.1.0__backfill.ts': [
      "import { defineMigration } from 'neomig';",
      'export default defineMigration({',
      "  async up(ctx) { await ctx.run('MATCH (p:Person) SET p.seen = true'); },",
      "  async down(ctx) { await ctx.run('MATCH (p:Person) REMOVE p.seen'); },",
      '});',
    ].join('\n'),
  });
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

/** Prints the kinds of the three entry points and an offline validate of ./migrations, as JSON. */
const PROBE = `
  const kinds = [n.createMigrator, n.defineConfig, n.defineMigration].map((f) => typeof f);
  const result = await n.createMigrator(n.defineConfig({ migrations: 'migrations' })).validate({ offline: true });
  console.log(JSON.stringify({ kinds, result }));
`;
const EXPECTED = { kinds: ['function', 'function', 'function'], result: { offline: true, migrations: 2, issues: [], warnings: [] } };

describe('the packed tarball', () => {
  it('holds the license, the readme and both builds, and no source map pointing at a missing source', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/neomig', 'dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json']));
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);
    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const m = JSON.parse(readFileSync(path.join(app, 'node_modules', 'neomig', map), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      expect(m.sourcesContent?.length, `${map} needs its sources embedded`).toBe(m.sources.length);
    }
    for (const js of files.filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(path.join(app, 'node_modules', 'neomig', js), 'utf8');
      expect(text, js).not.toMatch(/sourceMappingURL=(?!data:)/);
    }
    expect(readFileSync(path.join(app, 'node_modules', 'neomig', 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0[\s\S]*Copyright \d{4} the neomig authors/);
  });

  it('runs nothing when a consumer installs it, and says where it comes from', () => {
    const scripts = Object.keys(manifest.scripts ?? {});
    expect(scripts.filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s))).toEqual([]);
    expect(manifest).toMatchObject({ license: 'Apache-2.0', repository: { type: 'git' }, keywords: expect.arrayContaining(['neo4j', 'migrations']) });
  });
});

describe('an app using the installed package', () => {
  it("require('neomig') from CommonJS exposes createMigrator, defineConfig and defineMigration, and loads TS migrations", () => {
    const out = node(['-e', `(async () => { const n = require('neomig'); ${PROBE} })().catch((e) => { console.error(e); process.exit(1); });`]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it("import('neomig') from ESM does the same", () => {
    const out = node(['--input-type=module', '-e', `const n = await import('neomig'); ${PROBE}`]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('a CommonJS TypeScript app type-checks against it (module node16 and commonjs), and so does an .mts file', () => {
    writeFiles(app, {
      'index.ts': [
        "import { createMigrator, defineConfig, defineMigration, NeomigError, type Migrator } from 'neomig';",
        "const config = defineConfig({ uri: 'bolt://localhost:7687', migrations: 'migrations' });",
        'export const migrator: Migrator = createMigrator(config);',
        "export const migration = defineMigration({ async up(ctx) { await ctx.run('RETURN 1'); } });",
        'export const isNeomig = (e: unknown): boolean => e instanceof NeomigError;',
        '// @ts-expect-error uri is a string: the types are real, not `any`',
        'defineConfig({ uri: 42 });',
      ].join('\n'),
      'esm.mts': "import { defineConfig } from 'neomig';\nexport const config = defineConfig({ migrations: 'db' });\n",
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
        files: ['index.ts', 'esm.mts'],
      }),
      'tsconfig.commonjs.json': JSON.stringify({
        compilerOptions: { module: 'commonjs', moduleResolution: 'node10', strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: ['node'] },
        files: ['index.ts'],
      }),
    });
    for (const project of ['tsconfig.json', 'tsconfig.commonjs.json']) {
      // throws with tsc's diagnostics on stdout when the app does not type-check
      execFileSync(process.execPath, [TSC, '-p', project], { cwd: app, encoding: 'utf8' });
    }
  });
});
