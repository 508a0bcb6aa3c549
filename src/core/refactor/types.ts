import type { PropertyValue, ScopeOptions, Scalar } from './cypher.js';

export const REFACTOR_KINDS = [
  'rename-label',
  'rename-type',
  'rename-property',
  'retype-relationship',
  'add-property',
  'transform-property',
  'normalize-boolean',
  'merge-nodes',
] as const;
export type RefactorKind = (typeof REFACTOR_KINDS)[number];

/** Options every refactoring takes. */
export interface CommonOptions {
  /** rows per transaction of each batched statement (default 1000) */
  batchSize?: number;
  /** run even when the down could not give back exactly what was there (the checks are skipped) */
  allowInexact?: boolean;
}

export interface RenameOptions extends CommonOptions {
  from: string;
  to: string;
}

export interface RenamePropertyOptions extends RenameOptions, ScopeOptions {}

export interface RetypeOptions extends RenameOptions {
  /** label of the start node (optional) */
  start?: string;
  /** label of the end node (optional) */
  end?: string;
}

export interface AddPropertyOptions extends CommonOptions, ScopeOptions {
  property: string;
  default: PropertyValue;
}

export interface TransformPropertyOptions extends CommonOptions, ScopeOptions {
  property: string;
  /** Cypher over `value` (the old value) and `n` (the node) or `r` (the relationship) */
  expression: string;
}

export interface NormalizeBooleanOptions extends CommonOptions, ScopeOptions {
  property: string;
  /** values that become true (default: true, 'true', 'yes', 'y', '1', 1) */
  trueValues?: Scalar[];
  /** values that become false (default: false, 'false', 'no', 'n', '0', 0) */
  falseValues?: Scalar[];
}

export interface MergeNodesOptions extends CommonOptions {
  label: string;
  /** nodes of the label with the same value of this property become one */
  key: string;
}

export interface RefactorOptionsByKind {
  'rename-label': RenameOptions;
  'rename-type': RenameOptions;
  'rename-property': RenamePropertyOptions;
  'retype-relationship': RetypeOptions;
  'add-property': AddPropertyOptions;
  'transform-property': TransformPropertyOptions;
  'normalize-boolean': NormalizeBooleanOptions;
  'merge-nodes': MergeNodesOptions;
}

/**
 * A condition that must hold for the down to be exact. `query` ends in `WITH count(...) AS c`; the
 * refactoring is refused when c > 0 (`problem` is the sentence after the count).
 */
export interface RefactorCheck {
  query: string;
  problem: string;
}

/** What a refactoring runs: the up, the matching down, the validate queries and the refusal checks. */
export interface RefactorPlan {
  kind: RefactorKind;
  /** one line: "rename label :Person to :Human" */
  title: string;
  checks: RefactorCheck[];
  up: string[];
  /** null: irreversible */
  down: string[] | null;
  /** queries returning one row with a boolean `valid`, true after the up */
  validate: string[];
  /** what the down gives back, and where it cannot be exact */
  limits: string;
  /** the parameters the statements use ($name); empty when values are written into the text */
  params: Record<string, unknown>;
}

export interface PlanOptions {
  /** write values into the text as literals (Cypher files) instead of $parameters */
  inline?: boolean;
}
