/** The exit-code contract (SPEC §5). Scripts and CI pipelines depend on these numbers. */
import type { ErrorCode } from '../errors.js';
import { isNeomigError } from '../errors.js';

export const EXIT = {
  /** success, or nothing to do */
  OK: 0,
  /** a migration failed (the output says whether it was reversed); also unexpected errors */
  MIGRATION_FAILED: 1,
  /** usage, configuration or migration-file error */
  USAGE: 2,
  /** validation failed: drift, missing applied file, unmet dependency or precondition */
  VALIDATION: 3,
  /** the lock was not acquired within the timeout */
  LOCK: 4,
  /** cannot connect or authenticate */
  CONNECTION: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BY_CODE: Record<ErrorCode, ExitCode> = {
  USAGE: EXIT.USAGE,
  CONFIG: EXIT.USAGE,
  MIGRATION_FILE: EXIT.USAGE,
  MIGRATION_FAILED: EXIT.MIGRATION_FAILED,
  VALIDATION: EXIT.VALIDATION,
  INTEGRITY: EXIT.VALIDATION,
  LOCK: EXIT.LOCK,
  CONNECTION: EXIT.CONNECTION,
};

/** The exit code for an error; anything that is not a NeomigError is unexpected and exits 1. */
export function exitCodeFor(error: unknown): ExitCode {
  return isNeomigError(error) ? BY_CODE[error.code] : EXIT.MIGRATION_FAILED;
}
