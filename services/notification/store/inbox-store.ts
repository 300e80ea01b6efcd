import type { Tx, WriteTx } from '../../platform/transaction.js';
import type { NewEntry } from '../domain/inbox-entry.js';
import type { InboxCursor } from '../domain/pagination.js';

/** An inbox entry as the API serves it (list, mark read, stream). */
export interface EntryView {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly createdAt: string;
  readonly read: boolean;
  readonly readAt: string | null;
}

interface EntryRow {
  id: string;
  user_id: string;
  type: string;
  payload: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
}

const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// bigint ids leave Postgres as text (pg's default), so they never pass through a float.
const COLUMNS = `id::text AS id, user_id::text AS user_id, type, payload,
  ${iso('created_at')} AS created_at, ${iso('read_at')} AS read_at`;

function view(row: EntryRow): EntryView {
  return {
    id: row.id,
    type: row.type,
    data: row.payload,
    createdAt: row.created_at,
    read: row.read_at !== null,
    readAt: row.read_at,
  };
}

/**
 * Writes the entries of several events at once (the consumer's set-based effect). The
 * consumer already records each event id once; (user_id, event_id) being unique makes a
 * second copy impossible even so.
 */
export async function insertEntries(tx: WriteTx, entries: readonly NewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO inbox (user_id, event_id, type, payload)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])
     ON CONFLICT (user_id, event_id) DO NOTHING`,
    [
      entries.map((e) => e.userId),
      entries.map((e) => e.eventId),
      entries.map((e) => e.type),
      entries.map((e) => JSON.stringify(e.data)),
    ],
  );
}

export interface InboxPage {
  readonly items: readonly EntryView[];
  readonly unreadCount: number;
  readonly next: InboxCursor | null;
}

/** One page of a user's inbox, newest first, and how many of all their entries are unread. */
export async function readInboxPage(
  db: Tx,
  userId: string,
  limit: number,
  after: InboxCursor | undefined,
): Promise<InboxPage> {
  const [page, unread] = await Promise.all([
    db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM inbox
        WHERE user_id = $1
          AND (created_at, id) < (coalesce($2::timestamptz, 'infinity'),
                                  coalesce($3::bigint, 9223372036854775807))
        ORDER BY created_at DESC, id DESC
        LIMIT $4`,
      [userId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    ),
    db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM inbox WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    ),
  ]);
  const rows = page.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map(view),
    unreadCount: unread.rows[0]?.n ?? 0,
    next: page.rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null,
  };
}

/**
 * Marks one of the user's entries read and returns it; undefined when the user has no such
 * entry. Idempotent: the first time it was read is kept (also when two requests race: the
 * second re-reads the row the first updated and keeps its read_at).
 */
export async function markRead(db: Tx, userId: string, id: string): Promise<EntryView | undefined> {
  const { rows } = await db.query<EntryRow>(
    `UPDATE inbox SET read_at = coalesce(read_at, now())
      WHERE id = $1 AND user_id = $2
      RETURNING ${COLUMNS}`,
    [id, userId],
  );
  return rows[0] && view(rows[0]);
}

/** Entries by id, in id order, with their owners (the live stream's fan-out). */
export async function entriesByIds(
  db: Tx,
  ids: readonly string[],
): Promise<{ userId: string; entry: EntryView }[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT ${COLUMNS} FROM inbox WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
  return rows.map((r) => ({ userId: r.user_id, entry: view(r) }));
}

/** A user's entries written after `afterId`, oldest first (a reconnecting stream's replay). */
export async function entriesAfter(
  db: Tx,
  userId: string,
  afterId: string,
  limit: number,
): Promise<EntryView[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT ${COLUMNS} FROM inbox WHERE user_id = $1 AND id > $2::bigint ORDER BY id LIMIT $3`,
    [userId, afterId, limit],
  );
  return rows.map(view);
}
