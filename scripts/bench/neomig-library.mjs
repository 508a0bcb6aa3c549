// neomig used as a library: createMigrator from the built package, one operation, close.
// Usage: node neomig-library.mjs <dist/index.js> <up|status|validate> <migrations dir>;
// connection from NEO4J_*; prints {"ms": <time from createMigrator to close>}. Exits 1 if it failed.
import { pathToFileURL } from 'node:url';

const [entry, operation, migrations] = process.argv.slice(2);
const { createMigrator } = await import(pathToFileURL(entry).href);
const t0 = performance.now();
const migrator = createMigrator({ migrations });
let ok = false;
try {
  const result = await migrator[operation]();
  ok = operation === 'up' ? !result.failed : (result.issues ?? []).length === 0;
  if (!ok) console.error(JSON.stringify(result.failed ?? result.issues).slice(0, 500));
} finally {
  await migrator.close();
}
console.log(JSON.stringify({ ms: performance.now() - t0 }));
process.exitCode = ok ? 0 : 1;
