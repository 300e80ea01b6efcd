import type { Tx } from '../../platform/transaction.js';

export interface KillSwitchState {
  readonly active: boolean;
  readonly reason: string | null;
  readonly changedBy: string;
  readonly changedAt: string;
}

/** Whether trading is halted for this user: the global switch, or the user's own. */
export async function readKillSwitch(
  tx: Tx,
  userId: string,
): Promise<{ readonly active: boolean; readonly reason: string | null }> {
  const { rows } = await tx.query<{ active: boolean; reason: string | null }>(
    `SELECT active, reason FROM kill_switch WHERE scope IN ('global', 'user:' || $1) AND active
      ORDER BY scope = 'global' DESC LIMIT 1`,
    [userId],
  );
  return rows[0] ?? { active: false, reason: null };
}

/**
 * The kill switch as each of these users sees it, from one statement: the global switch
 * wins over a user's own, as in readKillSwitch.
 */
export async function readKillSwitches(
  tx: Tx,
  userIds: readonly string[],
): Promise<(userId: string) => { readonly active: boolean; readonly reason: string | null }> {
  const { rows } = await tx.query<{ scope: string; reason: string | null }>(
    `SELECT scope, reason FROM kill_switch
      WHERE active AND (scope = 'global' OR scope = ANY($1::text[]))`,
    [[...new Set(userIds)].map((u) => `user:${u}`)],
  );
  const active = new Map(rows.map((r) => [r.scope, r.reason]));
  const off = { active: false, reason: null };
  return (userId) => {
    for (const scope of ['global', `user:${userId}`]) {
      if (active.has(scope)) return { active: true, reason: active.get(scope) ?? null };
    }
    return off;
  };
}

/** Flips the global switch; the reason is kept while it is active. */
export async function setGlobalKillSwitch(
  tx: Tx,
  active: boolean,
  reason: string | null,
  changedBy: string,
): Promise<KillSwitchState> {
  const { rows } = await tx.query<{
    active: boolean;
    reason: string | null;
    changed_by: string;
    changed_at: Date;
  }>(
    `UPDATE kill_switch SET active = $1, reason = $2, changed_by = $3, changed_at = now()
      WHERE scope = 'global' RETURNING active, reason, changed_by, changed_at`,
    [active, active ? (reason ?? `engaged by ${changedBy}`) : null, changedBy],
  );
  const r = rows[0] as {
    active: boolean;
    reason: string | null;
    changed_by: string;
    changed_at: Date;
  };
  return {
    active: r.active,
    reason: r.reason,
    changedBy: r.changed_by,
    changedAt: r.changed_at.toISOString(),
  };
}
