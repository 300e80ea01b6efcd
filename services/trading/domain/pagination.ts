/** GET /api/v1/orders page sizes: a missing or silly limit is clamped, never an error. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function clampLimit(raw: unknown): number {
  const n =
    typeof raw === 'string' && /^[0-9]{1,6}$/.test(raw)
      ? Number(raw)
      : typeof raw === 'number'
        ? raw
        : NaN;
  if (!Number.isFinite(n)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(n)));
}

/**
 * Keyset cursor over (created_at, id), newest first. `createdAt` is Postgres's own text of
 * the timestamp (microseconds included), so the next page starts exactly after the last row.
 */
export interface OrderCursor {
  readonly createdAt: string;
  readonly id: string;
}

export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

const CURSOR_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * undefined for anything that is not a cursor we made (the route answers 400). Only the exact
 * shapes the page query writes pass: a UTC time with microseconds that names a real instant
 * (JavaScript rolls 30 February over to March; PostgreSQL refuses it) and a lower-case UUID.
 * So a crafted cursor never reaches PostgreSQL, where it would fail the whole batch of pages
 * it was read with.
 */
export function decodeCursor(raw: string): OrderCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, id] = value as unknown[];
    if (typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) return undefined;
    const millis = CURSOR_TIME.exec(createdAt)?.[1];
    if (!millis || new Date(createdAt).toISOString() !== `${millis}Z`) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}
