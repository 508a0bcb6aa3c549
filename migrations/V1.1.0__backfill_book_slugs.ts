import { defineMigration } from 'neomig';

/** Gives every book a URL slug derived from its title, in batches, and indexes it. */
export default defineMigration({
  description: 'backfill book slugs',
  dependsOn: ['1.0.0'],
  validate: 'MATCH (b:Book) WHERE b.slug IS NULL RETURN count(b) = 0 AS valid',
  async up(ctx) {
    await ctx.run('CREATE INDEX book_slug IF NOT EXISTS FOR (b:Book) ON (b.slug)');
    const { rows } = await ctx.batch(
      `MATCH (b:Book) WHERE b.slug IS NULL
       WITH b LIMIT $batchSize
       SET b.slug = toLower(replace(trim(b.title), ' ', '-'))
       RETURN count(b) AS processed`,
      {},
      { batchSize: 500 },
    );
    ctx.log.info(`slugged ${rows} books`);
  },
  async down(ctx) {
    await ctx.run('MATCH (b:Book) WHERE b.slug IS NOT NULL REMOVE b.slug');
    await ctx.run('DROP INDEX book_slug IF EXISTS');
  },
});
