import { randomUUID } from 'node:crypto';
import { Dec, formatDecimal } from '../../services/platform/decimal.js';
import type { Prng } from './prng.js';

export interface Instrument {
  readonly symbol: string;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly bid: string;
  readonly ask: string;
}

/** What a client learnt about one order it tried to place. */
export interface OrderRecord {
  readonly userId: string;
  readonly key: string;
  readonly body: Record<string, string>;
  outcome: 'acked' | 'refused' | 'timedout';
  id?: string;
  status?: string;
  attempts: number;
  /** Contract violations seen on the wire (a replay with another id, an unknown status...). */
  violations: string[];
  cancel?: 'done' | 'refused' | 'unknown';
}

export interface ClientSettings {
  readonly tradingUrl: string;
  readonly token: (userId: string) => string;
  readonly instruments: readonly Instrument[];
  /** A client gives up on one order after this long (it then counts as timed out). */
  readonly orderDeadlineMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRYABLE = new Set([409, 429, 500, 502, 503, 504]);

function roundToStep(value: InstanceType<typeof Dec>, step: string): string {
  return formatDecimal(value.div(step).toDecimalPlaces(0, Dec.ROUND_DOWN).times(step));
}

/** A random order: market, aggressive limit (fills now) or passive limit (rests). */
export function randomOrder(
  prng: Prng,
  instruments: readonly Instrument[],
): Record<string, string> {
  const i = prng.pick(instruments);
  const side = prng.chance(0.7) ? 'buy' : 'sell';
  const quantity = formatDecimal(new Dec(i.lotSize).times(prng.int(1, 5)));
  const kind = prng.pick(['market', 'market', 'aggressive', 'passive'] as const);
  if (kind === 'market') return { symbol: i.symbol, side, type: 'market', quantity };
  const ref = new Dec(side === 'buy' ? i.ask : i.bid);
  const factor = (kind === 'aggressive') === (side === 'buy') ? '1.02' : '0.995';
  const limitPrice = roundToStep(ref.times(factor), i.tickSize);
  return { symbol: i.symbol, side, type: 'limit', quantity, limitPrice };
}

async function post(
  url: string,
  token: string,
  body: unknown,
  key?: string,
): Promise<{ status: number; json: Record<string, unknown>; replayed: boolean } | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key !== undefined && { 'idempotency-key': key }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(8_000),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return {
      status: res.status,
      json,
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  } catch {
    return undefined; // refused connection, reset, or our own timeout: outcome unknown
  }
}

/** Places one order, retrying under the same key until a definite answer or the deadline. */
export async function placeWithRetries(
  prng: Prng,
  s: ClientSettings,
  userId: string,
): Promise<OrderRecord> {
  const record: OrderRecord = {
    userId,
    key: randomUUID(),
    body: randomOrder(prng, s.instruments),
    outcome: 'timedout',
    attempts: 0,
    violations: [],
  };
  const deadline = Date.now() + s.orderDeadlineMs;
  while (Date.now() < deadline) {
    record.attempts += 1;
    const res = await post(
      `${s.tradingUrl}/api/v1/orders`,
      s.token(userId),
      record.body,
      record.key,
    );
    if (res && res.status === 201) {
      record.outcome = 'acked';
      record.id = String(res.json.id);
      record.status = String(res.json.status);
      break;
    }
    if (res && !RETRYABLE.has(res.status)) {
      record.outcome = 'refused';
      record.violations.push(`refused ${res.status} ${String(res.json.code)}`);
      break;
    }
    await sleep(prng.int(50, 400));
  }
  // A client that retries although it already has the answer must get the same order back.
  if (record.outcome === 'acked' && prng.chance(0.3)) {
    const again = await post(
      `${s.tradingUrl}/api/v1/orders`,
      s.token(userId),
      record.body,
      record.key,
    );
    if (again && again.status === 201 && (again.json.id !== record.id || !again.replayed)) {
      record.violations.push(`replay answered ${String(again.json.id)} replayed=${again.replayed}`);
    }
  }
  return record;
}

/** Cancels a resting order, retrying while the outcome is unknown. */
export async function cancelWithRetries(
  prng: Prng,
  s: ClientSettings,
  record: OrderRecord,
): Promise<void> {
  const deadline = Date.now() + s.orderDeadlineMs;
  record.cancel = 'unknown';
  while (Date.now() < deadline) {
    const res = await post(
      `${s.tradingUrl}/api/v1/orders/${record.id}/cancel`,
      s.token(record.userId),
      {},
    );
    if (res?.status === 200) {
      record.cancel = 'done';
      return;
    }
    if (res?.status === 409) {
      record.cancel = 'refused';
      return;
    }
    await sleep(prng.int(50, 400));
  }
}
