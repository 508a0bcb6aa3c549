import { type StatementPosition, positionIn } from '../core/position.js';
import { NeomigError } from '../errors.js';

/** The Neo4j status code of a driver error, if it has one (Neo.ClientError.Statement.SyntaxError ...). */
export function neo4jCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}

/**
 * Where in the statement Neo4j says the error is: from its message `(line L, column C (offset: O))`,
 * else from the GQL diagnostic record newer servers add (`_position`).
 */
export function neo4jPosition(error: unknown): StatementPosition | undefined {
  const fromMessage = positionIn(errorMessage(error).split('\n')[0] ?? '');
  if (fromMessage) return fromMessage;
  const p = (error as { diagnosticRecord?: { _position?: Record<string, unknown> } } | null)?.diagnosticRecord?._position;
  if (!p) return undefined;
  // the driver hands these over as neo4j Integers
  const n = (v: unknown) => (typeof v === 'number' ? v : Number((v as { toNumber?: () => number } | null)?.toNumber?.() ?? NaN));
  const position = { line: n(p['line']), column: n(p['column']), offset: n(p['offset']) };
  return Object.values(position).every(Number.isInteger) ? position : undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Removes user:password@ from a URI before it is shown anywhere. */
export function safeUri(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, '//');
}

/**
 * Turns a failure to reach or log in to Neo4j into one CONNECTION error saying which it was.
 * Returns undefined for errors that are not about the connection.
 */
export function connectionError(error: unknown, uri: string, username: string, database?: string): NeomigError | undefined {
  const code = neo4jCode(error) ?? '';
  const message = errorMessage(error);
  const where = safeUri(uri);
  if (code === 'Neo.ClientError.Security.Unauthorized') {
    return new NeomigError('CONNECTION', `authentication failed for user "${username}" at ${where}`, {
      neo4jCode: code,
      hint: 'Check NEO4J_USERNAME / NEO4J_PASSWORD (or --username / --password).',
    });
  }
  if (code === 'Neo.ClientError.Security.AuthenticationRateLimit') {
    return new NeomigError('CONNECTION', `too many failed logins for "${username}" at ${where}; the server is refusing for now`, {
      neo4jCode: code,
      hint: 'Wait a few seconds and check the credentials.',
    });
  }
  if (code === 'Neo.ClientError.Database.DatabaseNotFound') {
    return new NeomigError('CONNECTION', `database "${database ?? '(default)'}" does not exist at ${where}`, {
      neo4jCode: code,
      hint: 'Check NEO4J_DATABASE / --database, or create the database first.',
    });
  }
  if (/SSL|TLS|certificate|EPROTO|wrong version number/i.test(message) && (code === 'ServiceUnavailable' || code === '')) {
    return new NeomigError('CONNECTION', `TLS mismatch talking to ${where}: ${firstLine(message)}`, {
      neo4jCode: code || undefined,
      hint: 'Use bolt+s:// or neo4j+s:// for a server that requires encryption, bolt:// or neo4j:// for one that does not.',
    });
  }
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|connect/i.test(message)) {
    return new NeomigError('CONNECTION', `cannot reach Neo4j at ${where}: ${firstLine(message)}`, {
      neo4jCode: code || undefined,
      hint: 'Check that the server is running and the URI (NEO4J_URI or --uri) is right.',
    });
  }
  if (/url|scheme|Unknown scheme|Invalid/i.test(message) && code === '') {
    return new NeomigError('CONNECTION', `invalid Neo4j URI ${where}: ${firstLine(message)}`, {
      hint: 'A URI looks like bolt://localhost:7687 or neo4j+s://xxxx.databases.neo4j.io.',
    });
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
