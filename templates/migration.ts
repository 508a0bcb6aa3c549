import { defineMigration } from 'neomig';

export default defineMigration({
  // Metadata (optional); the same keys as a Cypher file's metadata block.
  // description: '{{description}}', // shown by `neomig status`; defaults to the file name's description
  // dependsOn: ['1.0.0'], // versions that must be applied before this one
  // requires: { neo4j: '>=5.26', edition: 'enterprise', procedures: ['apoc.create.node'] }, // checked first
  // validate: 'MATCH (n:Example) WHERE n.id IS NULL RETURN count(n) = 0 AS valid', // run after up; falsy fails the step
  // transaction: 'auto', // auto | migration | statement | implicit
  // timeout: '30s', // transaction timeout
  // irreversible: true, // no down on purpose; `neomig down` past this version refuses

  // {{version}} {{description}}
  async up(ctx) {
    // await ctx.run('CREATE CONSTRAINT example_id IF NOT EXISTS FOR (n:Example) REQUIRE n.id IS UNIQUE');
    // await ctx.batch('MATCH (n:Example) WHERE n.id IS NULL WITH n LIMIT $batchSize SET n.id = randomUUID() RETURN count(*)');
  },

  async down(ctx) {
    // await ctx.run('DROP CONSTRAINT example_id IF EXISTS');
  },
});
