/** `neomig schema pull|diff`: the schema as a whole (constraints and indexes). */
import type { Command } from 'commander';
import type { CliState } from '../context.js';
import { registerSchemaDiff } from './schema-diff.js';
import { registerSchemaPull } from './schema-pull.js';

export function registerSchema(program: Command, state: CliState): void {
  const schema = program
    .command('schema')
    .description('the constraints and indexes as a whole: pull them as Cypher, diff two schemas');
  registerSchemaPull(schema, state);
  registerSchemaDiff(schema, state);
}
