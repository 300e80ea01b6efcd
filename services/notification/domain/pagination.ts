/** GET /api/v1/notifications page sizes: a missing or silly limit is clamped, never an error. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function clampLimit(raw: unknown): number {
  const n = typeof raw === 'string' && /^[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, n));
}

/** The largest inbox id (bigint). */
const MAX_ID = 9223372036854775807n;

/** An inbox entry id as it appears in a URL or a Last-Event-ID: undefined unless it can be one. */
export function parseEntryId(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,18}$/.test(raw)) return undefined;
  return BigInt(raw) <= MAX_ID ? raw : undefined;
}

/**
 * Keyset cursor over (created_at, id), newest first. `createdAt` is Postgres's own text of
 * the timestamp (microseconds included), so the next page starts exactly after the last row.
 */
export interface InboxCursor {
  readonly createdAt: string;
  readonly id: string;
}

export function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

const CURSOR_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

/**
 * undefined for anything that is not a cursor we made (the route answers 400): only a UTC
 * time with microseconds that names a real instant and an entry id pass, so a crafted
 * cursor never reaches PostgreSQL.
 */
export function decodeCursor(raw: string): InboxCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, id] = value as unknown[];
    if (typeof createdAt !== 'string' || parseEntryId(id) === undefined) return undefined;
    const millis = CURSOR_TIME.exec(createdAt)?.[1];
    if (!millis || new Date(createdAt).toISOString() !== `${millis}Z`) return undefined;
    return { createdAt, id: id as string };
  } catch {
    return undefined;
  }
}
