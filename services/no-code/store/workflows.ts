import type { Tx } from '../../platform/transaction.js';
import type { Workflow } from '../domain/workflow.js';

/** A stored workflow as the API shows it. */
export interface StoredWorkflow {
  readonly id: string;
  readonly name: string;
  readonly workflow: Workflow;
  readonly createdAt: string;
}

interface Row {
  id: string;
  name: string;
  graph: Workflow;
  created_at: Date;
}

const COLUMNS = 'id, name, graph, created_at';

const fromRow = (r: Row): StoredWorkflow => ({
  id: r.id,
  name: r.name,
  workflow: r.graph,
  createdAt: r.created_at.toISOString(),
});

export async function insertWorkflow(
  db: Tx,
  w: { id: string; ownerId: string; name: string; workflow: Workflow },
): Promise<StoredWorkflow> {
  const { rows } = await db.query<Row>(
    `INSERT INTO workflows (id, owner_id, name, graph) VALUES ($1, $2, $3, $4)
     RETURNING ${COLUMNS}`,
    [w.id, w.ownerId, w.name, JSON.stringify(w.workflow)],
  );
  return fromRow(rows[0]!);
}

/** The owner's workflow, or undefined (another user's workflow is not found either). */
export async function findWorkflow(
  db: Tx,
  ownerId: string,
  id: string,
): Promise<StoredWorkflow | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM workflows WHERE id = $1 AND owner_id = $2`,
    [id, ownerId],
  );
  return rows[0] && fromRow(rows[0]);
}
