/**
 * One error family. Every error neomig raises carries a code; the CLI maps codes to exit codes
 * (see `exitCodeFor` in cli/exit-codes.ts). Messages name the file, statement and line where there
 * is one, and end with what to do next.
 */
export type ErrorCode =
  /** bad flags or arguments */
  | 'USAGE'
  /** neomig.config.* or environment is wrong */
  | 'CONFIG'
  /** a migration file is malformed: name, metadata, duplicate version, missing down */
  | 'MIGRATION_FILE'
  /** a migration failed while running (statement error or falsy validation) */
  | 'MIGRATION_FAILED'
  /** drift, missing applied file, unmet dependency or precondition, failed entry blocking */
  | 'VALIDATION'
  /** a recorded down is not vouched for by the files or neomig.sum (exit 3, like validation) */
  | 'INTEGRITY'
  /** the lock was not acquired within the timeout */
  | 'LOCK'
  /** cannot connect or authenticate */
  | 'CONNECTION';

export interface ErrorDetails {
  /** the migration file concerned, relative to the migrations folder where possible */
  file?: string;
  /** the migration version concerned */
  version?: string;
  /** 1-based statement number within the script */
  statement?: number;
  /** 1-based line in the file: where Neo4j placed the error when it said (see `column`), else where
   *  the statement starts */
  line?: number;
  /** 1-based column in that line, when Neo4j named a position */
  column?: number;
  /** the file line at `line` (from the statement's start when the statement starts mid-line) and the
   *  index of `column` in it, for a caret */
  excerpt?: { text: string; caret: number };
  /** the Neo4j status code, e.g. Neo.ClientError.Statement.SyntaxError */
  neo4jCode?: string;
  /** what the user should do next */
  hint?: string;
  /** anything else a machine reader may want (plain JSON values only) */
  [key: string]: unknown;
}

export class NeomigError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NeomigError';
    this.code = code;
    this.details = details;
  }

  /** The message followed by the hint, as shown to a person. */
  get fullMessage(): string {
    return this.details.hint ? `${this.message}\n  ${this.details.hint}` : this.message;
  }

  toJSON(): { code: ErrorCode; message: string } & ErrorDetails {
    const { hint, ...rest } = this.details;
    return { code: this.code, message: this.message, ...rest, ...(hint ? { hint } : {}) };
  }
}

export function isNeomigError(e: unknown): e is NeomigError {
  return e instanceof NeomigError;
}

/** Where a statement lives, for messages: "V1.0.0__init.up.cypher, statement 3 (line 12)"; with a
 *  column, the error's place: "V1.0.0__init.up.cypher:14:5, statement 3". */
export function describeLocation(d: Pick<ErrorDetails, 'file' | 'statement' | 'line' | 'column'>): string {
  if (d.file && d.line !== undefined && d.column !== undefined) {
    return `${d.file}:${d.line}:${d.column}${d.statement !== undefined ? `, statement ${d.statement}` : ''}`;
  }
  const parts: string[] = [];
  if (d.file) parts.push(d.file);
  if (d.statement !== undefined) parts.push(`statement ${d.statement}${d.line !== undefined ? ` (line ${d.line})` : ''}`);
  return parts.join(', ');
}
