import { defineConfig } from 'neomig';

// neomig's configuration for this repository's example migrations. The connection comes from
// NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD (the demo sets them for its throwaway server).
export default defineConfig({
  migrations: 'migrations',
  lock: { mode: 'wait', timeoutSeconds: 60, ttlSeconds: 60, heartbeatSeconds: 10 },
  environments: {
    // a local throwaway database: clean allowed
    dev: { cleanEnabled: true },
    // production: down, repair and clean need --yes
    production: { protected: true },
  },
});
