import type { TradingReport } from '../store/order-apply.js';

/** The broker's answer for an order (POST /internal/broker/orders, cancel, GET). */
export interface BrokerOrderAnswer {
  readonly clientOrderId: string;
  /** e.g. working | filled | canceled | expired | rejected (unknown values mean "working"). */
  readonly status: string;
  readonly cumQty?: string;
  readonly leavesQty?: string;
  readonly avgPrice?: string | null;
  readonly fills?: readonly {
    readonly execId: string;
    readonly quantity: string;
    readonly price: string;
    readonly fee?: string;
  }[];
  readonly code?: string;
  readonly reason?: string;
}

/**
 * Turns a broker answer into execution reports for the reducer: an ack, every fill the broker
 * knows (repeats are ignored by exec id), then the end state if the broker ended the order.
 * `afterCancel` says the answer is to a cancel request: a live order then means "too late".
 */
export function brokerReports(answer: BrokerOrderAnswer, afterCancel = false): TradingReport[] {
  const status = answer.status.toLowerCase();
  if (status === 'rejected') {
    return [
      { kind: 'rejected', reason: answer.code ?? answer.reason ?? 'ALP_ORDERS_BROKER_REFUSED' },
    ];
  }
  const reports: TradingReport[] = [{ kind: 'accepted' }];
  for (const f of answer.fills ?? []) {
    reports.push({
      kind: 'fill',
      execId: f.execId,
      quantity: f.quantity,
      price: f.price,
      ...(f.fee !== undefined && { fee: f.fee }),
    });
  }
  if (status === 'canceled' || status === 'cancelled') {
    reports.push({ kind: 'canceled', reason: answer.reason ?? 'canceled by the broker' });
  } else if (status === 'expired') {
    reports.push({ kind: 'expired' });
  } else if (afterCancel && status !== 'filled') {
    reports.push({ kind: 'cancel-rejected', reason: answer.reason ?? 'the broker kept the order' });
  }
  return reports;
}
