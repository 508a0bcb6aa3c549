import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadMigrations } from '../../src/discovery/load.js';
import { median } from './stats.js';

/**
 * Discovery of 1,000 migration pairs whose statements use `${label}` (filled: the text is read twice,
 * as written for the checksum and filled for the statements) against the same files written with the
 * value in place (read once), in interleaved rounds.
 */
export async function placeholdersBench(n = 1000, rounds = 7): Promise<string> {
  const write = (withPlaceholders: boolean) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'neomig-bench-placeholders-'));
    const l = withPlaceholders ? '${label}' : 'Person';
    for (let i = 1; i <= n; i++) {
      const up = `// m ${i}\nCREATE INDEX i${i} IF NOT EXISTS FOR (n:${l}) ON (n.p${i});\nMATCH (n:${l}) SET n.x${i} = 'v';\n`;
      writeFileSync(path.join(dir, `V${i}__m.up.cypher`), up);
      writeFileSync(path.join(dir, `V${i}__m.down.cypher`), `DROP INDEX i${i} IF EXISTS;\n`);
    }
    return dir;
  };
  const plain = write(false);
  const filled = write(true);
  const placeholders = { values: { label: 'Person' }, inStrings: [], database: 'neo4j', user: 'neo4j' };
  const time = async (dir: string, fill: boolean) => {
    const t = performance.now();
    await loadMigrations(dir, fill ? { placeholders } : {});
    return performance.now() - t;
  };
  try {
    await time(plain, false);
    await time(filled, true);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(await time(plain, false));
      b.push(await time(filled, true));
    }
    const [ma, mb] = [median(a), median(b)];
    return `discover ${n} migrations: values written in ${ma.toFixed(0)} ms, \${label} filled ${mb.toFixed(0)} ms; ratio ${(mb / ma).toFixed(2)}× (median of ${rounds})`;
  } finally {
    rmSync(plain, { recursive: true, force: true });
    rmSync(filled, { recursive: true, force: true });
  }
}
