// Runs `up` in a separate process, for tests that kill a deploy halfway.
// Usage: node --import jiti/register test/support/child-up.ts <config-json>
import { createMigrator } from '../../src/runner/migrator.js';
import type { ResolvedConfig } from '../../src/config/types.js';

const config = JSON.parse(process.argv[2]!) as ResolvedConfig;
const migrator = createMigrator(config);
migrator.on((e) => {
  if (e.type === 'lock:acquired' || e.type === 'migration:start' || e.type === 'migration:done') {
    process.stdout.write(JSON.stringify({ type: e.type, version: 'version' in e ? e.version : undefined }) + '\n');
  }
});
try {
  await migrator.up();
  process.stdout.write('{"type":"done"}\n');
} finally {
  await migrator.close();
}
