import type { FastifyInstance } from 'fastify';
import {
  batchersBy,
  settleAll,
  settledError,
  settledValue,
  type Settled,
} from '../../platform/batcher.js';
import { listOwnOrderPages, type OrderPage, type PageRequest } from '../store/order-queries.js';
import { batchSizes } from './batch-metrics.js';

/*
 * Order-list pages, batched as the order flow's writes are (see createBatcher): pages asked
 * for together are read in one statement. On this machine a statement's fixed cost (the
 * round trip, both processes' wake-ups, parse and bind) was most of what a page cost: the
 * page query executes in ~0.07 ms, yet a page cost PostgreSQL 0.34-0.47 ms of CPU under
 * `bench orders-read`, and 0.08-0.13 ms once read in batches (benchmarks/README.md, sixteenth
 * session). Each request still gets a page read after it arrived (a batch leaves only once
 * its members are in), so a user reads their own writes.
 */

/** What makes two page requests the same page: whose, how many, and from where. */
const pageKey = (r: PageRequest) =>
  JSON.stringify([r.userId, r.limit, r.after?.createdAt ?? null, r.after?.id ?? null]);

/**
 * Reads the pages in one statement, each distinct page once: requests for the same page in
 * one batch (a client's tabs polling, a retry while the first is still out) share the page
 * that statement reads, which began after every one of them arrived, so each still sees what
 * was written before it. If the statement fails, each page is read alone, so a request that
 * breaks the statement (a cursor PostgreSQL refuses, say) fails alone and not its batch.
 */
async function readPages(
  app: FastifyInstance,
  requests: readonly PageRequest[],
): Promise<Settled<OrderPage>[]> {
  const keys = requests.map(pageKey);
  // Requests under one key are the same request: which of them stands for it does not matter.
  const distinct = new Map(keys.map((key, i) => [key, requests[i]!]));
  const pages = await readDistinct(app, [...distinct.values()]);
  const byKey = new Map([...distinct.keys()].map((key, i) => [key, pages[i]!]));
  return keys.map((key) => byKey.get(key)!);
}

async function readDistinct(
  app: FastifyInstance,
  requests: readonly PageRequest[],
): Promise<Settled<OrderPage>[]> {
  try {
    return (await listOwnOrderPages(app.pg, requests)).map(settledValue);
  } catch (err) {
    if (requests.length === 1) return [settledError(err)];
    return settleAll(requests.map(async (r) => (await listOwnOrderPages(app.pg, [r]))[0]!));
  }
}

const pagesOf = batchersBy((app: FastifyInstance) => ({
  run: (requests: readonly PageRequest[]) => readPages(app, requests),
  onBatch: batchSizes(app, 'order-pages'),
  // Two at once: one statement in PostgreSQL while the other's rows are on their way back.
  maxInFlight: 2,
}));

/** One user's page of orders, newest first (see listOwnOrderPages). */
export function readOrderPage(app: FastifyInstance, request: PageRequest): Promise<OrderPage> {
  return pagesOf(app).submit(request);
}
