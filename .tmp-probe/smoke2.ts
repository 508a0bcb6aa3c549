const t0 = performance.now();
const lap = (l: string) => console.log(l, ((performance.now() - t0) / 1000).toFixed(2));
await import('neo4j-driver'); lap('driver');
const tc = await import('testcontainers'); lap('testcontainers import');
try { await tc.getContainerRuntimeClient(); } catch { } lap('docker check');
await import('/work/main/tools/neo4j-local/provider.ts'); lap('provider');
