/** Kinds of problem a workflow can have; stable strings (clients switch on them). */
export type FindingKind =
  | 'duplicate-node'
  | 'unknown-component'
  | 'config-invalid'
  | 'dangling-edge'
  | 'unknown-port'
  | 'port-type-mismatch'
  | 'input-already-connected'
  | 'missing-required-input'
  | 'cycle';

/** One problem of a workflow, pointing at the nodes (and edge, by index) involved. */
export interface Finding {
  readonly kind: FindingKind;
  readonly message: string;
  /** Node ids involved; for a cycle, in cycle order starting at the first-declared node. */
  readonly nodes: readonly string[];
  /** Index of the offending edge in `edges`, when an edge is at fault. */
  readonly edge?: number;
  /** JSON Pointer into the node's config, for `config-invalid`. */
  readonly path?: string;
}
