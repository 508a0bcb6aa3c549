// `npm run build`: dist/ from scratch (so no file of a deleted source is ever packed), the ESM build
// (library and CLI) with tsc, then the CommonJS build of the library in dist/cjs for `require('neomig')`.
// Plain JavaScript on purpose: it runs before anything is compiled.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const cjs = path.join(dist, 'cjs');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

rmSync(dist, { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}

// CommonJS has no import.meta: src/self.ts reads it on one line, which becomes the same URL from __filename.
const self = path.join(cjs, 'self.js');
const from = 'exports.SELF_URL = import.meta.url;';
const text = readFileSync(self, 'utf8');
if (!text.includes(from)) throw new Error(`${self}: expected the line \`${from}\``);
writeFileSync(self, text.replace(from, 'exports.SELF_URL = require("node:url").pathToFileURL(__filename).href;'));
for (const file of jsFiles(cjs)) {
  // any other import.meta would be a syntax error for require(): fail the build, not the user
  const code = readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l));
  if (code.some((l) => l.includes('import.meta'))) throw new Error(`${file} uses import.meta, which CommonJS does not have`);
}
// dist/ is ESM by the root package.json; this folder, its .js and its .d.ts, are CommonJS.
writeFileSync(path.join(cjs, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith('.js') ? [p] : [];
  });
}
