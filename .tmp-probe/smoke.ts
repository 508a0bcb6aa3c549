import { startLocalNeo4j } from '../tools/neo4j-local/provider.ts';
const t0 = performance.now();
const s = await startLocalNeo4j();
console.log(JSON.stringify({ ...s, stop: undefined }));
const t1 = performance.now();
await s.stop();
console.log('stop took', ((performance.now() - t1) / 1000).toFixed(1), 's; total', ((performance.now() - t0) / 1000).toFixed(1));
