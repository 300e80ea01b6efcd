import type { Tx } from '../../platform/transaction.js';
import type { StrategyDefinition } from '../domain/validate-strategy.js';

export type StrategyStatus = 'draft' | 'active';

/** A stored strategy as the API shows it. */
export interface Strategy {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly status: StrategyStatus;
  readonly createdAt: string;
  readonly activatedAt: string | null;
}

interface Row {
  id: string;
  name: string;
  type: string;
  parameters: Record<string, unknown>;
  status: StrategyStatus;
  created_at: Date;
  activated_at: Date | null;
}

const COLUMNS = 'id, name, type, parameters, status, created_at, activated_at';

function fromRow(r: Row): Strategy {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    parameters: r.parameters,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    activatedAt: r.activated_at?.toISOString() ?? null,
  };
}

/** Stores a validated, normalised definition as a draft owned by `ownerId`. */
export async function insertStrategy(
  db: Tx,
  s: { id: string; ownerId: string; name: string; definition: StrategyDefinition },
): Promise<Strategy> {
  const { rows } = await db.query<Row>(
    `INSERT INTO strategies (id, owner_id, name, type, parameters)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [s.id, s.ownerId, s.name, s.definition.type, JSON.stringify(s.definition.parameters)],
  );
  return fromRow(rows[0]!);
}

/** The owner's strategy, or undefined (another user's strategy is not found either). */
export async function findStrategy(
  db: Tx,
  ownerId: string,
  id: string,
): Promise<Strategy | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM strategies WHERE id = $1 AND owner_id = $2`,
    [id, ownerId],
  );
  return rows[0] && fromRow(rows[0]);
}

/**
 * Activates the owner's strategy; activating an active strategy changes nothing (its
 * activation time stays the first one). Undefined when the owner has no such strategy.
 */
export async function activateStrategy(
  db: Tx,
  ownerId: string,
  id: string,
): Promise<Strategy | undefined> {
  const { rows } = await db.query<Row>(
    `UPDATE strategies
        SET status = 'active', activated_at = coalesce(activated_at, greatest(now(), created_at))
      WHERE id = $1 AND owner_id = $2
      RETURNING ${COLUMNS}`,
    [id, ownerId],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Active back to draft (idempotent): the evaluator no longer trades it. */
export async function deactivateStrategy(
  db: Tx,
  ownerId: string,
  id: string,
): Promise<Strategy | undefined> {
  const { rows } = await db.query<Row>(
    `UPDATE strategies SET status = 'draft', activated_at = NULL
      WHERE id = $1 AND owner_id = $2
      RETURNING ${COLUMNS}`,
    [id, ownerId],
  );
  return rows[0] && fromRow(rows[0]);
}
