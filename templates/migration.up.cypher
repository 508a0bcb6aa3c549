// ---
// # Metadata (optional). Uncomment the keys you need; unknown keys are an error.
// # description: {{description}}
// #                 shown by `neomig status`; defaults to the file name's description
// # dependsOn: ["1.0.0"]
// #                 versions that must be applied before this one (checked before anything runs)
// # requires:      preconditions, checked against the server before anything runs
// #   neo4j: ">=5.26"                server version, a semver range
// #   edition: enterprise            community | enterprise
// #   procedures: [apoc.create.node] procedures or functions that must exist
// # validate: "MATCH (n:Example) WHERE n.id IS NULL RETURN count(n) = 0 AS valid"
// #                 Cypher run after the up, returning one row with a boolean `valid` (or a list of
// #                 such queries); a falsy result fails the step and runs the down
// # transaction: auto
// #                 auto (default: schema and data statements in separate transactions, as Neo4j
// #                 requires) | migration (one transaction) | statement (one each) | implicit
// #                 (auto-commit, needed by CALL { ... } IN TRANSACTIONS)
// # timeout: 30s    transaction timeout: seconds, or "500ms", "30s", "2m"
// # irreversible: true
// #                 no down on purpose; `neomig down` past this version refuses
// ---
// {{version}} {{description}} (up)
// Statements end with `;`. Keep this file's down in {{downFile}}.

// CREATE CONSTRAINT example_id IF NOT EXISTS FOR (n:Example) REQUIRE n.id IS UNIQUE;
