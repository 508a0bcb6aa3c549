import { NeomigError } from '../../src/errors.js';

/** The NeomigError `fn` throws; fails the test if it throws nothing or something else. */
export function errorOf(fn: () => unknown): NeomigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NeomigError) return e;
    throw e;
  }
  throw new Error('expected a NeomigError');
}
